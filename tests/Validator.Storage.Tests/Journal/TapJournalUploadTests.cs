using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

public class TapJournalUploadTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = new TempDirectory();

    [TearDown]
    public void DeleteDirectory() => _dir.Dispose();

    private TapJournal Open() => SampleTaps.OpenJournal(new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 4096 });

    [Test]
    public void Unsent_taps_come_in_sequence_order_in_batches_of_at_most_the_requested_size()
    {
        using var journal = Open();
        for (var i = 0; i < 120; i++) journal.Append(SampleTaps.Full(i));

        var first = journal.ReadUnsent(50);
        var next = journal.ReadAfter(first[^1].Sequence, 50);
        var last = journal.ReadAfter(next[^1].Sequence, 50);

        Assert.That(first.Concat(next).Concat(last).Select(t => t.Sequence), Is.EqualTo(Enumerable.Range(1, 120).Select(i => (long)i)));
        Assert.That(last, Has.Count.EqualTo(20));
    }

    [Test]
    public void A_batch_larger_than_five_hundred_is_refused()
    {
        using var journal = Open();
        Assert.That(() => journal.ReadUnsent(501), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void An_acknowledgement_survives_reopening_and_only_later_taps_stay_unsent()
    {
        using (var journal = Open())
        {
            for (var i = 0; i < 10; i++) journal.Append(SampleTaps.Bare(i));
            journal.Acknowledge(7);
        }

        using var reopened = Open();
        Assert.That(reopened.AcknowledgedThrough, Is.EqualTo(7));
        Assert.That(reopened.UnsentCount, Is.EqualTo(3));
        Assert.That(reopened.ReadUnsent().Select(t => t.Sequence), Is.EqualTo(new long[] { 8, 9, 10 }));
    }

    [Test]
    public void An_older_acknowledgement_does_not_move_the_cursor_back()
    {
        using var journal = Open();
        for (var i = 0; i < 5; i++) journal.Append(SampleTaps.Bare(i));
        journal.Acknowledge(4);
        journal.Acknowledge(2);
        Assert.That(journal.AcknowledgedThrough, Is.EqualTo(4));
    }

    [Test]
    public void Acknowledging_a_tap_that_was_never_written_is_refused()
    {
        using var journal = Open();
        journal.Append(SampleTaps.Bare(1));
        Assert.That(() => journal.Acknowledge(2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(journal.AcknowledgedThrough, Is.Zero);
    }

    [Test]
    public void A_damaged_cursor_file_is_reported_and_every_kept_tap_is_offered_again()
    {
        using (var journal = Open())
        {
            for (var i = 0; i < 3; i++) journal.Append(SampleTaps.Bare(i));
            journal.Acknowledge(2);
        }

        var cursor = Path.Combine(_dir.Path, "acknowledged");
        var bytes = File.ReadAllBytes(cursor);
        bytes[6] ^= 1;
        File.WriteAllBytes(cursor, bytes);

        using var reopened = Open();
        Assert.That(reopened.OpenReport.AckFileDamaged, Is.True);
        Assert.That(reopened.ReadUnsent().Select(t => t.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public void A_leftover_temporary_cursor_from_a_crash_is_ignored()
    {
        using (var journal = Open())
        {
            for (var i = 0; i < 3; i++) journal.Append(SampleTaps.Bare(i));
            journal.Acknowledge(1);
        }

        File.WriteAllBytes(Path.Combine(_dir.Path, "acknowledged.tmp"), [1, 2, 3]);
        using var reopened = Open();
        Assert.That(reopened.AcknowledgedThrough, Is.EqualTo(1));
        Assert.That(reopened.OpenReport.Clean, Is.True);
    }

    [Test]
    public void Reading_while_taps_are_appended_sees_only_whole_records_in_order_and_no_damage()
    {
        using var journal = Open();
        var damage = 0;
        journal.CorruptionDetected += (_, _) => Interlocked.Increment(ref damage);
        const int Taps = 1000;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Taps; i++) journal.Append(SampleTaps.Full(i));
        });

        long cursor = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (cursor < Taps && !timeout.IsCancellationRequested)
        {
            foreach (var tap in journal.ReadAfter(cursor, 100))
            {
                Assert.That(tap.Sequence, Is.EqualTo(cursor + 1), "a reader must never skip or repeat a tap");
                cursor = tap.Sequence;
            }
        }

        writer.GetAwaiter().GetResult();
        Assert.That(cursor, Is.EqualTo(Taps));
        Assert.That(damage, Is.Zero);
    }
}
