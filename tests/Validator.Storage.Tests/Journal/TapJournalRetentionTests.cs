using Microsoft.Extensions.Time.Testing;
using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

public class TapJournalRetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 9, 1, 6, 0, 0, TimeSpan.Zero);
    private TempDirectory _dir = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = new TempDirectory();
        _time = new FakeTimeProvider(Start);
    }

    [TearDown]
    public void DeleteDirectory() => _dir.Dispose();

    private TapJournal Open(long? quota = null) => TapJournal.Open(
        new TapJournalOptions { Directory = _dir.Path, MaxSegmentBytes = 4096, QuotaBytes = quota }, _time);

    private static void AppendTaps(TapJournal journal, int count, DateTimeOffset time)
    {
        for (var i = 0; i < count; i++) journal.Append(SampleTaps.Full(i, time));
    }

    [Test]
    public void Acknowledged_segments_older_than_the_retention_are_deleted_and_every_unsent_tap_is_kept()
    {
        using var journal = Open();
        AppendTaps(journal, 200, Start);
        journal.Acknowledge(100);
        _time.Advance(TimeSpan.FromDays(31));

        var deleted = journal.Prune();

        var kept = SampleTaps.ReadAll(journal).Select(t => t.Sequence).ToList();
        Assert.That(deleted, Is.GreaterThan(0));
        Assert.That(kept, Is.SupersetOf(Enumerable.Range(101, 100).Select(i => (long)i)), "no unsent tap may be deleted");
        Assert.That(kept[0], Is.GreaterThan(1));
        Assert.That(kept[0], Is.LessThanOrEqualTo(101));
    }

    [Test]
    public void Acknowledged_taps_younger_than_the_retention_are_kept()
    {
        using var journal = Open();
        AppendTaps(journal, 200, Start);
        journal.Acknowledge(200);
        _time.Advance(TimeSpan.FromDays(29));

        Assert.That(journal.Prune(), Is.Zero);
        Assert.That(SampleTaps.ReadAll(journal), Has.Count.EqualTo(200));
    }

    [Test]
    public void Unsent_taps_older_than_the_retention_are_kept()
    {
        using var journal = Open();
        AppendTaps(journal, 200, Start);
        _time.Advance(TimeSpan.FromDays(400));

        Assert.That(journal.Prune(), Is.Zero);
        Assert.That(journal.UnsentCount, Is.EqualTo(200));
    }

    [Test]
    public void The_sequence_continues_after_every_older_segment_was_pruned()
    {
        using (var journal = Open())
        {
            AppendTaps(journal, 200, Start);
            journal.Acknowledge(200);
            _time.Advance(TimeSpan.FromDays(31));
            journal.Prune();
        }

        using var reopened = Open();
        Assert.That(reopened.Append(SampleTaps.Bare(1, _time.GetUtcNow())).Sequence, Is.EqualTo(201));
    }

    [Test]
    public void A_quiet_segment_is_closed_after_a_day_so_retention_can_reach_it()
    {
        using var journal = Open();
        AppendTaps(journal, 3, Start);
        _time.Advance(TimeSpan.FromDays(1));
        AppendTaps(journal, 1, _time.GetUtcNow());

        Assert.That(_dir.Segments(), Has.Length.EqualTo(2));
    }

    [Test]
    public void The_quota_alarm_turns_on_at_eighty_percent_and_unsent_taps_are_never_dropped_past_the_quota()
    {
        const long Quota = 20_000;
        using var journal = Open(Quota);
        var changes = new List<JournalQuotaEventArgs>();
        journal.QuotaAlarmChanged += (_, e) => changes.Add(e);

        var appended = 0;
        while (journal.SizeBytes < Quota * 8 / 10)
        {
            Assert.That(journal.QuotaAlarm, Is.False, $"alarm before 80% at {journal.SizeBytes} bytes");
            journal.Append(SampleTaps.Full(appended++, Start));
        }

        Assert.That(journal.QuotaAlarm, Is.True);
        Assert.That(changes.Select(c => c.Alarm), Is.EqualTo(new[] { true }));

        while (journal.SizeBytes < Quota * 2) journal.Append(SampleTaps.Full(appended++, Start));
        Assert.That(SampleTaps.ReadAll(journal), Has.Count.EqualTo(appended), "the quota is an alarm, not a drop");
        Assert.That(journal.QuotaAlarm, Is.True);
    }

    [Test]
    public void Under_quota_pressure_acknowledged_segments_go_before_the_retention_and_the_alarm_clears()
    {
        const long Quota = 20_000;
        using var journal = Open(Quota);
        var changes = new List<bool>();
        journal.QuotaAlarmChanged += (_, e) => changes.Add(e.Alarm);
        while (journal.SizeBytes < Quota) journal.Append(SampleTaps.Full(1, Start));

        journal.Acknowledge(journal.LastSequence);

        Assert.That(journal.QuotaAlarm, Is.False);
        Assert.That(journal.SizeBytes, Is.LessThan(Quota * 8 / 10));
        Assert.That(changes, Is.EqualTo(new[] { true, false }));
    }
}
