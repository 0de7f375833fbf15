using Validator.Core.Fares;

namespace Validator.Fares.Tests.Fares;

[TestFixture]
public class RepeatTapTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 5, 6, 0, 0, TimeSpan.Zero);

    [Test]
    public void The_latest_accepted_tap_of_a_card_is_remembered()
    {
        var tracker = new RepeatTapTracker();
        tracker.Record(TestCards.Token(1), new RecentTap(T0, "student"));
        tracker.Record(TestCards.Token(1), new RecentTap(T0.AddMinutes(20), null));

        tracker.TryGetLastAccepted(TestCards.Token(1), out var tap);

        Assert.That(tap, Is.EqualTo(new RecentTap(T0.AddMinutes(20), null)));
    }

    [Test]
    public void Past_its_capacity_the_least_recently_accepted_card_is_forgotten()
    {
        var tracker = new RepeatTapTracker(capacity: 3);
        for (var i = 1; i <= 3; i++) tracker.Record(TestCards.Token(i), new RecentTap(T0.AddMinutes(i), null));
        tracker.Record(TestCards.Token(1), new RecentTap(T0.AddMinutes(4), null)); // card 1 is fresh again
        tracker.Record(TestCards.Token(4), new RecentTap(T0.AddMinutes(5), null));

        var remembered = Enumerable.Range(1, 4).Select(i => tracker.TryGetLastAccepted(TestCards.Token(i), out _));

        Assert.Multiple(() =>
        {
            Assert.That(remembered, Is.EqualTo(new[] { true, false, true, true }));
            Assert.That(tracker.Count, Is.EqualTo(3));
        });
    }

    [Test]
    public void Seeding_from_the_journal_keeps_the_newest_taps_when_there_are_too_many()
    {
        var tracker = new RepeatTapTracker(capacity: 2);
        var journal = new[]
        {
            (TestCards.Token(3), new RecentTap(T0.AddMinutes(3), null)),
            (TestCards.Token(1), new RecentTap(T0.AddMinutes(1), null)),
            (TestCards.Token(2), new RecentTap(T0.AddMinutes(2), null)),
        };

        tracker.Seed(journal);

        Assert.That(Enumerable.Range(1, 3).Select(i => tracker.TryGetLastAccepted(TestCards.Token(i), out _)), Is.EqualTo(new[] { false, true, true }));
    }

    [Test]
    public void A_seeded_tap_makes_the_next_tap_after_a_restart_a_repeat()
    {
        var tracker = new RepeatTapTracker();
        tracker.Seed([(FareWorld.Stranger, new RecentTap(TestTimes.Berlin("2026-10-05 07:25"), null))]);

        var decision = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Stranger)), TestTimes.Berlin("2026-10-05 07:30"),
            FareWorld.Lists(FareWorld.Policy(payg: true)), tracker);

        Assert.That((decision.Outcome, decision.Chargeable), Is.EqualTo((FareOutcome.AlreadyValidated, false)));
    }
}
