using Validator.Backoffice.Tests.Support;
using Validator.Core.Sync;
using Validator.Sync.Upload;

namespace Validator.Sync.Tests.Upload;

public sealed class Receipt_settlement
{
    private static readonly List<Core.Taps.TapRecord> Batch = TestTaps.Taps(TestBackoffice.DeviceA, 5, firstSequence: 11);

    [Test]
    public void A_receipt_naming_every_tap_acknowledges_the_whole_batch()
    {
        var settled = Uploader.Settle(Batch, new TapBatchReceipt { Stored = Batch.Select(t => t.Id).Reverse().ToList() });

        Assert.That(settled, Is.EqualTo((15L, 5, new List<Core.Taps.TapRecord>(), true)).Using<(long, int, List<Core.Taps.TapRecord>, bool)>(
            (a, b) => a.Item1 == b.Item1 && a.Item2 == b.Item2 && a.Item3.Count == b.Item3.Count && a.Item4 == b.Item4));
    }

    [Test]
    public void Refused_taps_count_as_settled_and_are_handed_back_to_be_set_aside()
    {
        var receipt = new TapBatchReceipt
        {
            Stored = [Batch[0].Id, Batch[2].Id, Batch[3].Id, Batch[4].Id],
            Rejected = [new RejectedTap(Batch[1].Id, "expiry must be YYMM")],
        };

        var (through, confirmed, rejected, complete) = Uploader.Settle(Batch, receipt);

        Assert.That((through, confirmed, complete), Is.EqualTo((15L, 4, true)));
        Assert.That(rejected.Select(t => t.Id), Is.EqualTo(new[] { Batch[1].Id }));
    }

    [Test]
    public void A_tap_missing_from_the_receipt_stops_the_acknowledgement_before_it()
    {
        var receipt = new TapBatchReceipt { Stored = [Batch[0].Id, Batch[1].Id, Batch[3].Id, Batch[4].Id] };

        var (through, confirmed, _, complete) = Uploader.Settle(Batch, receipt);

        Assert.That((through, confirmed, complete), Is.EqualTo((12L, 2, false)), "the journal cursor is a prefix: 13 must be sent again first");
    }
}
