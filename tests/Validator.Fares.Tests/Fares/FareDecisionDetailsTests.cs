using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Feedback;
using Validator.Core.Lists;

namespace Validator.Fares.Tests.Fares;

[TestFixture]
public class FareDecisionDetailsTests
{
    private static readonly DateTimeOffset Morning = TestTimes.Berlin("2026-10-05 07:30");

    [Test]
    public void A_denial_says_why_the_card_is_blocked()
    {
        var decision = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Denied)), Morning);

        Assert.That(decision.DenyReason, Is.EqualTo(DenyReason.Stolen));
    }

    [Test]
    public void A_decision_records_the_list_versions_it_was_taken_with()
    {
        var decision = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Student)), Morning);

        Assert.That(decision.Lists, Is.EqualTo(new ListVersions(7, 12, 3)));
    }

    [Test]
    public void An_accepted_pass_names_the_entitlement_that_allowed_it()
    {
        var decision = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Student)), Morning);

        Assert.That(decision.EntitlementId, Is.EqualTo("e-student"));
    }

    [TestCase(ClockTrust.Trusted, false)]
    [TestCase(ClockTrust.Unsynced, true)]
    [TestCase(ClockTrust.BehindLastKnown, true)]
    public void A_tap_on_an_untrusted_clock_is_flagged(ClockTrust trust, bool flagged)
    {
        var clock = new ClockReading(Morning, trust, Morning.AddHours(trust == ClockTrust.BehindLastKnown ? 1 : -1));

        var decision = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Student)), Morning, clock: clock);

        Assert.That(decision.ClockFlagged, Is.EqualTo(flagged));
    }

    [Test]
    public void Under_the_last_trusted_date_policy_a_clock_behind_is_judged_at_the_last_trusted_time()
    {
        var lastTrusted = Morning.AddDays(3);
        var clock = new ClockReading(Morning, ClockTrust.BehindLastKnown, lastTrusted);

        var decision = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Student)), Morning, clock: clock);

        Assert.That(decision.JudgedAt, Is.EqualTo(lastTrusted));
    }

    [Test]
    public void Lists_older_than_the_policy_allows_are_flagged_on_the_decision()
    {
        var fresh = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Student)), FareWorld.ListsUpdated.AddDays(6));
        var stale = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Student)), FareWorld.ListsUpdated.AddDays(8));

        Assert.That((fresh.ListsStale, stale.ListsStale), Is.EqualTo((false, true)));
    }

    [Test]
    public void With_no_lists_loaded_a_student_is_refused_and_the_lists_are_stale()
    {
        var decision = FareWorld.Decide(TestCards.Read(TestCards.Emv(FareWorld.Student)), Morning, ListSnapshot.Empty);

        Assert.That((decision.Reason, decision.ListsStale), Is.EqualTo((FareReasons.NoTicket, true)));
    }

    [TestCase(FareOutcome.Accepted, FareReasons.AcceptedPass, TapSignal.Accepted)]
    [TestCase(FareOutcome.AlreadyValidated, FareReasons.AlreadyValidated, TapSignal.AlreadyValidated)]
    [TestCase(FareOutcome.Rejected, FareReasons.Denied, TapSignal.RejectedDenyList)]
    [TestCase(FareOutcome.Rejected, FareReasons.NoTicket, TapSignal.Rejected)]
    [TestCase(FareOutcome.Rejected, FareReasons.CardExpired, TapSignal.Rejected)]
    [TestCase(FareOutcome.TapAgain, FareReasons.CardRemoved, TapSignal.TapAgain)]
    public void Each_decision_maps_to_its_feedback_signal(FareOutcome outcome, string reason, TapSignal signal)
    {
        var decision = new FareDecision { Outcome = outcome, Reason = reason };

        Assert.That(decision.ToSignal(), Is.EqualTo(signal));
    }
}
