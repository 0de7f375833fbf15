using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

public class TapJournalRecoveryTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = new TempDirectory();

    [TearDown]
    public void DeleteDirectory() => _dir.Dispose();

    private TapJournal Open() => SampleTaps.OpenJournal(_dir.Path);

    /// <summary>Writes <paramref name="count"/> taps and returns each record's [start, end) in the single segment.</summary>
    private List<(long Start, long End)> WriteTaps(int count)
    {
        var bounds = new List<(long, long)>();
        using var journal = Open();
        Assert.That(journal.SpareWork.Wait(TimeSpan.FromSeconds(30)), Is.True, "the first segment comes from the spare");
        for (var i = 0; i < count; i++)
        {
            var before = journal.SizeBytes;
            journal.Append(SampleTaps.Full(i));
            bounds.Add((before, journal.SizeBytes));
        }

        return bounds;
    }

    [TestCase(0, TestName = "Damage to a middle record's magic is detected and the records after it are kept")]
    [TestCase(5, TestName = "Damage to a middle record's length is detected and the records after it are kept")]
    [TestCase(9, TestName = "Damage to a middle record's checksum is detected and the records after it are kept")]
    [TestCase(40, TestName = "Damage to a middle record's payload is detected and the records after it are kept")]
    public void Damage_in_the_middle_is_reported_and_skipped(int offsetInRecord)
    {
        var bounds = WriteTaps(5);
        var segment = _dir.Segments().Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[bounds[2].Start + offsetInRecord] ^= 0x5A;
        File.WriteAllBytes(segment, bytes);

        using var journal = Open();
        Assert.That(journal.OpenReport.CorruptRegions, Is.EqualTo(1));
        Assert.That(journal.OpenReport.CorruptBytes, Is.EqualTo(bounds[2].End - bounds[2].Start));
        Assert.That(journal.OpenReport.TornTailBytes, Is.Zero);
        Assert.That(SampleTaps.ReadAll(journal).Select(t => t.Sequence), Is.EqualTo(new long[] { 1, 2, 4, 5 }));
        Assert.That(journal.Append(SampleTaps.Bare(9)).Sequence, Is.EqualTo(6), "the sequence goes on after the highest intact record");
    }

    [Test]
    public void A_last_record_torn_at_every_byte_offset_is_cut_off_and_appends_continue_cleanly()
    {
        var bounds = WriteTaps(3);
        var segment = _dir.Segments().Single();
        var original = File.ReadAllBytes(segment);
        var (start, end) = bounds[^1];

        for (var cut = start; cut < end; cut++)
        {
            File.WriteAllBytes(segment, original[..(int)cut]);
            using (var journal = Open())
            {
                Assert.That(journal.OpenReport.TornTailBytes, Is.EqualTo(WrittenLength(original, start, cut)), $"cut at {cut}");
                Assert.That(journal.OpenReport.CorruptRegions, Is.Zero, $"cut at {cut}");
                Assert.That(journal.OpenReport.Records, Is.EqualTo(2), $"cut at {cut}");
                Assert.That(journal.Append(SampleTaps.Bare(99)).Sequence, Is.EqualTo(3), $"cut at {cut}");
            }

            using var again = Open();
            Assert.That(again.OpenReport.Clean, Is.True, $"cut at {cut}: the journal must reopen clean after the repair");
            Assert.That(SampleTaps.ReadAll(again).Select(t => t.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }), $"cut at {cut}");
        }
    }

    [Test]
    public void A_last_record_whose_end_was_never_written_at_every_byte_offset_is_cut_off_as_torn()
    {
        // Power loss can leave the file at full length with the unwritten part zero-filled.
        var bounds = WriteTaps(3);
        var segment = _dir.Segments().Single();
        var original = File.ReadAllBytes(segment);
        var (start, end) = bounds[^1];

        for (var cut = start; cut < end; cut++)
        {
            var torn = (byte[])original.Clone();
            Array.Clear(torn, (int)cut, (int)(end - cut));
            File.WriteAllBytes(segment, torn);
            using var journal = Open();
            Assert.That(journal.OpenReport.TornTailBytes, Is.EqualTo(WrittenLength(torn, start, cut)), $"zeros from {cut}");
            Assert.That(journal.OpenReport.Records, Is.EqualTo(2), $"zeros from {cut}");
            Assert.That(SampleTaps.ReadAll(journal).Select(t => t.Sequence), Is.EqualTo(new long[] { 1, 2 }), $"zeros from {cut}");
        }
    }

    /// <summary>A torn write is cleared up to its last non-zero byte: zeros after it are free space either way.</summary>
    private static long WrittenLength(byte[] data, long start, long end) =>
        data.AsSpan((int)start, (int)(end - start)).LastIndexOfAnyExcept((byte)0) + 1;

    [Test]
    public void A_torn_last_write_inside_a_pre_zeroed_segment_is_cleared_and_the_segment_keeps_its_room()
    {
        var bounds = WriteTaps(3);
        var segment = _dir.Segments().Single();
        var length = new FileInfo(segment).Length;
        Assert.That(length, Is.EqualTo(new TapJournalOptions().MaxSegmentBytes), "the first segment comes pre-zeroed");
        var bytes = File.ReadAllBytes(segment);
        var (start, end) = bounds[^1];
        var half = (int)(start + (end - start) / 2);
        Array.Clear(bytes, half, (int)(end - half));
        File.WriteAllBytes(segment, bytes);

        using (var journal = Open())
        {
            Assert.That(journal.OpenReport.TornTailBytes, Is.EqualTo(WrittenLength(bytes, start, end)));
            Assert.That(journal.OpenReport.Records, Is.EqualTo(2));
            Assert.That(new FileInfo(segment).Length, Is.EqualTo(length), "clearing a torn write keeps the preallocation");
            Assert.That(journal.Append(SampleTaps.Bare(7)).Sequence, Is.EqualTo(3));
        }

        using var again = Open();
        Assert.That(again.OpenReport.Clean, Is.True, "the zeros after the last record are free space, not damage");
        Assert.That(SampleTaps.ReadAll(again).Select(t => t.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public void Damage_at_the_end_of_a_closed_segment_is_reported_not_taken_for_free_space()
    {
        // A closed segment is trimmed to its last record when the next one starts, so zeros at its end are damage.
        using (var journal = SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 4096 }))
        {
            for (var i = 0; i < 60; i++) journal.Append(SampleTaps.Full(i));
        }

        var first = _dir.Segments()[0];
        var bytes = File.ReadAllBytes(first);
        Array.Clear(bytes, bytes.Length - 20, 20);
        File.WriteAllBytes(first, bytes);

        using var reopened = SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 4096 });
        Assert.That(reopened.OpenReport.CorruptRegions, Is.EqualTo(1));
        Assert.That(reopened.OpenReport.TornTailBytes, Is.Zero);
    }

    [Test]
    public void The_sequence_continues_after_reopening()
    {
        using (var journal = Open())
        {
            for (var i = 0; i < 4; i++) journal.Append(SampleTaps.Bare(i));
        }

        using var reopened = Open();
        Assert.That(reopened.OpenReport.NextSequence, Is.EqualTo(5));
        Assert.That(reopened.Append(SampleTaps.Bare(5)).Sequence, Is.EqualTo(5));
    }

    [Test]
    public void A_journal_with_no_damage_opens_clean()
    {
        WriteTaps(3);
        using var journal = Open();
        Assert.That(journal.OpenReport.Clean, Is.True);
        Assert.That(journal.OpenReport.Records, Is.EqualTo(3));
    }

    [Test]
    public void Damage_that_appears_after_opening_is_raised_once_as_an_event_and_the_other_records_are_still_read()
    {
        var bounds = WriteTaps(4);
        using var journal = Open();
        var segment = _dir.Segments().Single();
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Position = bounds[1].Start + 30;
            file.WriteByte(0xFF);
        }

        var events = new List<JournalCorruptionEventArgs>();
        journal.CorruptionDetected += (_, e) => events.Add(e);
        var first = SampleTaps.ReadAll(journal);
        SampleTaps.ReadAll(journal);

        Assert.That(first.Select(t => t.Sequence), Is.EqualTo(new long[] { 1, 3, 4 }));
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].Offset, Is.EqualTo(bounds[1].Start));
    }
}
