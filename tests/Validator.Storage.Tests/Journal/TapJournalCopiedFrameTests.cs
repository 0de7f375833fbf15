using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

/// <summary>
/// Intact frames copied to the wrong place (a flash card remapping a page, a torn write landing elsewhere): found by
/// fuzzing, they made a read return taps out of order, and an uploader acknowledging through the last tap of such a
/// batch would skip taps it never sent. Each tap is now read once, in order, from its own segment.
/// </summary>
public class TapJournalCopiedFrameTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = new TempDirectory();

    [TearDown]
    public void DeleteDirectory() => _dir.Dispose();

    private TapJournal Open() => SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 4 * 1024 });

    private List<long> WriteAndReadAllBack(int count, Action<string[]> damage)
    {
        using (var journal = Open())
        {
            for (var i = 0; i < count; i++) journal.Append(SampleTaps.Full(i));
        }
        damage(_dir.Segments());
        using var reopened = Open();
        var read = new List<long>();
        while (reopened.ReadAfter(read.Count == 0 ? 0 : read[^1], 7) is { Count: > 0 } batch) read.AddRange(batch.Select(t => t.Sequence));
        return read;
    }

    private static byte[] Frame(string segment, int index)
    {
        var bytes = File.ReadAllBytes(segment);
        var record = SegmentScan.Run(bytes).Records[index];
        return bytes.AsSpan(record.Offset, record.Length).ToArray();
    }

    private static void InsertAt(string segment, int index, byte[] frame)
    {
        var bytes = File.ReadAllBytes(segment);
        var at = SegmentScan.Run(bytes).Records[index].Offset;
        File.WriteAllBytes(segment, [.. bytes.AsSpan(0, at), .. frame, .. bytes.AsSpan(at)]);
    }

    [Test]
    public void A_frame_of_a_later_segment_copied_into_an_earlier_one_is_not_read_there()
    {
        var read = WriteAndReadAllBack(60, segments =>
        {
            Assert.That(segments, Has.Length.GreaterThanOrEqualTo(3), "the taps span several segments");
            InsertAt(segments[0], 2, Frame(segments[2], 1));
        });

        Assert.That(read, Is.EqualTo(Enumerable.Range(1, 60).Select(i => (long)i)));
    }

    [Test]
    public void A_later_frame_of_the_same_segment_copied_before_its_place_is_read_once_in_order()
    {
        var read = WriteAndReadAllBack(60, segments => InsertAt(segments[1], 1, Frame(segments[1], 6)));

        Assert.That(read, Is.EqualTo(Enumerable.Range(1, 60).Select(i => (long)i)));
    }

    [Test]
    public void An_earlier_frame_copied_after_its_place_is_read_once_in_order()
    {
        var read = WriteAndReadAllBack(60, segments => InsertAt(segments[0], 8, Frame(segments[0], 1)));

        Assert.That(read, Is.EqualTo(Enumerable.Range(1, 60).Select(i => (long)i)));
    }
}
