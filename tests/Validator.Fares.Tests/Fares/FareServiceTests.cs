using Microsoft.Extensions.Time.Testing;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;

namespace Validator.Fares.Tests.Fares;

[TestFixture]
public class FareServiceTests
{
    private sealed class AlwaysSynced : IClockSyncSource
    {
        public bool IsSynchronized => true;
    }

    private sealed class NoSavedTime : ILastTrustedTime
    {
        public DateTimeOffset? Load() => null;
        public void Save(DateTimeOffset time) { }
    }

    [Test]
    public void A_student_tapping_twice_is_accepted_then_already_validated_then_accepted_after_the_window()
    {
        var time = new FakeTimeProvider(TestTimes.Berlin("2026-10-05 07:30"));
        var service = new FareService(new LiveLists(FareWorld.Lists()), new ClockTrustMonitor(time, new AlwaysSynced(), new NoSavedTime()), new RepeatTapTracker());
        var tap = TestCards.Read(TestCards.Emv(FareWorld.Student));
        var outcomes = new List<FareOutcome>();

        FareOutcome DecideAndStore()
        {
            var decision = service.Decide(tap, new TapLocation("110"));
            service.Record(tap, decision);
            return decision.Outcome;
        }

        outcomes.Add(DecideAndStore());
        time.Advance(TimeSpan.FromMinutes(2));
        outcomes.Add(DecideAndStore());
        time.Advance(TimeSpan.FromMinutes(14));
        outcomes.Add(DecideAndStore());

        Assert.That(outcomes, Is.EqualTo(new[] { FareOutcome.Accepted, FareOutcome.AlreadyValidated, FareOutcome.Accepted }));
    }

    /// <summary>A wall clock that can jump (NTP, an operator) while the monotonic clock goes on at its pace.</summary>
    private sealed class JumpingClock(DateTimeOffset start) : TimeProvider
    {
        private long _elapsed;
        private TimeSpan _jumped;

        public void Advance(TimeSpan by) => _elapsed += by.Ticks;

        public void Jump(TimeSpan by) => _jumped += by;

        public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(_elapsed) + _jumped;

        public override long GetTimestamp() => _elapsed;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [TestCase(+3 * 60, TestName = "A second tap within the window is not charged again when the clock jumped forward between the taps")]
    [TestCase(-3 * 60, TestName = "A second tap within the window is not charged again when the clock jumped backward between the taps")]
    public void A_clock_jump_between_two_taps_does_not_open_the_repeat_window(int jumpMinutes)
    {
        var time = new JumpingClock(TestTimes.Berlin("2026-10-05 07:30"));
        var lists = new LiveLists(FareWorld.Lists());
        lists.Update(s => s.With(FareWorld.Policy(payg: true), new ListStamp(4, time.GetUtcNow())));
        var service = new FareService(lists, new ClockTrustMonitor(time, new AlwaysSynced(), new NoSavedTime()), new RepeatTapTracker());
        var tap = TestCards.Read(TestCards.Emv(FareWorld.Stranger));

        var first = service.Decide(tap, new TapLocation("110"));
        service.Record(tap, first);
        time.Advance(TimeSpan.FromMinutes(1));
        time.Jump(TimeSpan.FromMinutes(jumpMinutes));
        var second = service.Decide(tap, new TapLocation("110"));
        service.Record(tap, second);
        time.Advance(TimeSpan.FromMinutes(15));
        var third = service.Decide(tap, new TapLocation("110"));

        Assert.That((first.Reason, second.Reason, third.Reason),
            Is.EqualTo((FareReasons.AcceptedPayAsYouGo, FareReasons.AlreadyValidated, FareReasons.AcceptedPayAsYouGo)));
    }

    [Test]
    public void A_rejected_tap_does_not_start_a_repeat_window()
    {
        var time = new FakeTimeProvider(TestTimes.Berlin("2026-10-05 07:30"));
        var lists = new LiveLists(FareWorld.Lists());
        var service = new FareService(lists, new ClockTrustMonitor(time, new AlwaysSynced(), new NoSavedTime()), new RepeatTapTracker());
        var tap = TestCards.Read(TestCards.Emv(FareWorld.Stranger));

        var first = service.Decide(tap, new TapLocation("110"));
        service.Record(tap, first);
        lists.Update(s => s.With(FareWorld.Policy(payg: true), new ListStamp(4, time.GetUtcNow())));
        var second = service.Decide(tap, new TapLocation("110"));

        Assert.That((first.Reason, second.Reason), Is.EqualTo((FareReasons.NoTicket, FareReasons.AcceptedPayAsYouGo)));
    }

    [Test]
    public void A_decision_that_was_never_recorded_does_not_start_a_repeat_window()
    {
        var time = new FakeTimeProvider(TestTimes.Berlin("2026-10-05 07:30"));
        var service = new FareService(new LiveLists(FareWorld.Lists()), new ClockTrustMonitor(time, new AlwaysSynced(), new NoSavedTime()), new RepeatTapTracker());
        var tap = TestCards.Read(TestCards.Emv(FareWorld.Student));

        var unstored = service.Decide(tap, new TapLocation("110"));
        time.Advance(TimeSpan.FromMinutes(1));
        var retried = service.Decide(tap, new TapLocation("110"));

        Assert.That((unstored.Outcome, retried.Outcome), Is.EqualTo((FareOutcome.Accepted, FareOutcome.Accepted)));
    }
}
