using Validator.Core.Taps;
using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

public class TapJournalAppendTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = new TempDirectory();

    [TearDown]
    public void DeleteDirectory() => _dir.Dispose();

    private TapJournal Open() => SampleTaps.OpenJournal(_dir.Path);

    [Test]
    public void Every_field_of_a_full_tap_reads_back_equal_after_reopening()
    {
        TapRecord written;
        using (var journal = Open()) written = journal.Append(SampleTaps.Full(7));

        using var reopened = Open();
        var read = reopened.ReadAfter(0).Single();
        Assert.That(read, Is.EqualTo(written));
        Assert.That(read.Time.Offset, Is.EqualTo(TimeSpan.FromHours(1)), "the offset is kept, not only the instant");
    }

    [Test]
    public void A_tap_with_no_optional_fields_reads_back_with_them_still_absent()
    {
        TapRecord written;
        using (var journal = Open()) written = journal.Append(SampleTaps.Bare(3));

        using var reopened = Open();
        var read = reopened.ReadAfter(0).Single();
        Assert.That(read, Is.EqualTo(written));
        Assert.That(new object?[] { read.ParToken, read.Psn, read.Expiry, read.Last4, read.Product, read.Line, read.Stop }, Is.All.Null);
    }

    [Test]
    public void Appends_get_consecutive_sequence_numbers_starting_at_one()
    {
        using var journal = Open();
        var sequences = Enumerable.Range(0, 5).Select(i => journal.Append(SampleTaps.Bare(i)).Sequence).ToList();
        Assert.That(sequences, Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void The_last_stored_tap_is_read_back_after_reopening_and_is_absent_in_an_empty_journal()
    {
        using (var journal = Open())
        {
            Assert.That(journal.LastStored, Is.Null);
            for (var i = 0; i < 3; i++) journal.Append(SampleTaps.Full(i));
        }
        using var reopened = Open();
        Assert.That(reopened.LastStored, Is.EqualTo(reopened.ReadAfter(0)[^1]));
        Assert.That(reopened.LastStored!.Sequence, Is.EqualTo(3));
    }

    [Test]
    public void A_tap_whose_last4_holds_more_than_four_digits_is_refused_so_no_card_number_reaches_the_disk()
    {
        using var journal = Open();
        var leaking = SampleTaps.Full(1) with { Last4 = "5413330089604242" };

        Assert.That(() => journal.Append(leaking), Throws.ArgumentException);
        Assert.That(journal.LastSequence, Is.Zero);
        Assert.That(_dir.Segments().Select(f => new FileInfo(f).Length).Sum(), Is.Zero);
    }

    [Test]
    public void A_second_open_of_the_same_directory_is_refused_as_locked()
    {
        using var journal = Open();
        var error = Assert.Throws<JournalUnavailableException>(() => Open());
        Assert.That(error!.Fault, Is.EqualTo(JournalFault.Locked));
    }

    [Test]
    public void Segments_roll_over_at_the_size_limit_and_reads_cross_them_in_order()
    {
        using var journal = SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 4096 });
        for (var i = 0; i < 200; i++) journal.Append(SampleTaps.Full(i));

        Assert.That(_dir.Segments(), Has.Length.GreaterThan(3));
        Assert.That(_dir.Segments().Select(f => new FileInfo(f).Length), Is.All.LessThanOrEqualTo(4096));
        Assert.That(SampleTaps.ReadAll(journal).Select(t => t.Sequence), Is.EqualTo(Enumerable.Range(1, 200).Select(i => (long)i)));
    }
}
