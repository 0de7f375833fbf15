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

    [Test]
    public void Each_new_segment_is_pre_zeroed_so_taps_overwrite_zeros_and_a_closed_segment_ends_at_its_last_record()
    {
        const int Max = 4096;
        using var journal = SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = Max });
        var lengthsSeen = new HashSet<long>();
        for (var i = 0; i < 100; i++)
        {
            // Given the spare ready (a rotation waits for it only briefly, then creates the segment empty instead).
            Assert.That(journal.SpareWork.Wait(TimeSpan.FromSeconds(30)), Is.True);
            journal.Append(SampleTaps.Full(i));
            // The file being written never grows: its size is already on disk, so each fdatasync is a pure data write.
            lengthsSeen.Add(new FileInfo(_dir.Segments()[^1]).Length);
        }

        Assert.That(lengthsSeen, Is.EqualTo(new[] { (long)Max }), "every newest segment came pre-zeroed to the segment size");
        Assert.That(_dir.Segments(), Has.Length.GreaterThan(3));
        Assert.That(journal.SpareWork.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(File.ReadAllBytes(Path.Combine(_dir.Path, TapJournal.SpareName)), Is.EqualTo(new byte[Max]), "the next spare is ready");
        journal.Dispose();

        // Zeros at the end of a closed segment would be reported as damage: a clean reopen shows each was trimmed.
        using var reopened = SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = Max });
        Assert.That(reopened.OpenReport.Clean, Is.True);
        Assert.That(reopened.OpenReport.Records, Is.EqualTo(100));
        Assert.That(_dir.Segments()[..^1].Select(f => new FileInfo(f).Length), Is.All.LessThan(Max));
    }

    [Test]
    public void A_spare_left_by_an_earlier_run_is_never_taken_as_a_segment()
    {
        Directory.CreateDirectory(_dir.Path);
        var spare = Path.Combine(_dir.Path, TapJournal.SpareName);
        File.WriteAllBytes(spare, Enumerable.Repeat((byte)0xD7, 4096).ToArray());
        File.WriteAllBytes(spare + ".tmp", [1, 2, 3]);

        // Without spares (a read-only copy), the leftovers are removed and the first segment starts empty.
        using (var journal = SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 8192, PrepareSpareSegments = false }))
        {
            Assert.That(File.Exists(spare) || File.Exists(spare + ".tmp"), Is.False, "leftover spare files are deleted at open");
            var before = journal.SizeBytes;
            journal.Append(SampleTaps.Full(1));
            Assert.That(new FileInfo(_dir.Segments().Single()).Length, Is.EqualTo(journal.SizeBytes - before), "the segment holds its record and nothing else");
        }

        // With spares, the one taken is the one this open wrote.
        File.WriteAllBytes(spare, Enumerable.Repeat((byte)0xD7, 4096).ToArray());
        using var again = SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 4096 });
        Assert.That(again.SpareWork.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(File.ReadAllBytes(spare), Is.EqualTo(new byte[4096]));
        for (var i = 2; i < 40; i++) again.Append(SampleTaps.Full(i));
        Assert.That(again.OpenReport.Clean, Is.True);
        Assert.That(SampleTaps.ReadAll(again).Select(t => t.Sequence), Is.EqualTo(Enumerable.Range(1, 39).Select(i => (long)i)));
    }

    [Test]
    public void After_a_rotation_failed_with_a_file_left_at_the_new_name_a_shorter_tap_does_not_go_back_into_the_closed_segment()
    {
        const int Max = 4096;
        var options = new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = Max, PrepareSpareSegments = false };
        var longTap = SampleTaps.Full(0) with { Reason = new string('r', 250), Product = new string('p', 250), Stop = new string('s', 250) };
        long longLength;
        using (var scratch = new TempDirectory())
        using (var measure = SampleTaps.OpenJournal(new TapJournalOptions { Directory = scratch.Path, PrepareSpareSegments = false }))
        {
            measure.Append(longTap);
            longLength = measure.SizeBytes;
        }

        using (var journal = SampleTaps.OpenJournal(options))
        {
            // The segment is filled until the long tap no longer fits but a bare one still does.
            var n = 1;
            while (journal.SizeBytes + longLength <= Max) journal.Append(SampleTaps.Bare(n++));
            Assert.That(journal.SizeBytes + 100, Is.LessThanOrEqualTo(Max), "room for a bare tap is left");

            // A file at the next segment's name that cannot be opened: the state a rotation leaves when it failed after
            // the new file existed (its directory sync or its open failed).
            var next = Path.Combine(_dir.Path, Segment.FileName(journal.LastSequence + 1));
            using (var obstacle = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
            {
                obstacle.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(next));
                Assert.Throws<JournalUnavailableException>(() => journal.Append(longTap), "the rotation fails");
                // The bare tap would fit the closed segment, but recovery reads the file at the new name as the start
                // of its sequence: a tap written back into the closed segment would be skipped and its number reused.
                Assert.Throws<JournalUnavailableException>(() => journal.Append(SampleTaps.Bare(n)), "the rotation must be finished first");
            }

            File.Delete(next);
            for (var i = 0; i < 5; i++) journal.Append(SampleTaps.Bare(n++));
            Assert.That(_dir.Segments(), Has.Length.EqualTo(2));
        }

        using var reopened = SampleTaps.OpenJournal(options);
        Assert.That(reopened.OpenReport.Clean, Is.True);
        var sequences = SampleTaps.ReadAll(reopened).Select(t => t.Sequence).ToList();
        Assert.That(sequences, Is.EqualTo(Enumerable.Range(1, sequences.Count).Select(i => (long)i)), "every acknowledged tap is read back once, in order");
        Assert.That(reopened.LastSequence, Is.EqualTo(sequences.Count));
    }
}
