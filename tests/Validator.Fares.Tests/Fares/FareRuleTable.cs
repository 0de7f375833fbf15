using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;

namespace Validator.Fares.Tests.Fares;

/// <summary>Every rule and every reason code, one row each: who taps, when, where, under which policy, and what must come out.</summary>
[TestFixture]
public class FareRuleTable
{
    private const string SchoolMorning = "2026-10-05 07:30"; // a Monday

    private sealed record Row(
        string Name,
        CardReadResult Read,
        string At,
        FareOutcome Outcome,
        string Reason,
        bool Chargeable = false,
        string? Product = null,
        string? Line = "110",
        string? Zone = null,
        FarePolicy? Policy = null,
        TimeSpan? AcceptedBefore = null,
        ClockReading? Clock = null)
    {
        public override string ToString() => Name;
    }

    private static CardReadResult Card(CardToken token, string? expiry = "2812", byte? psn = 0, string? par = null) =>
        TestCards.Read(TestCards.Emv(token, expiry, psn, par));

    private static IEnumerable<TestCaseData> Rows()
    {
        var behind = new ClockReading(TestTimes.Berlin("2020-01-01 00:05"), ClockTrust.BehindLastKnown, TestTimes.Berlin(SchoolMorning));
        var behindSaturday = new ClockReading(TestTimes.Berlin("2020-01-01 00:05"), ClockTrust.BehindLastKnown, TestTimes.Berlin("2026-10-10 23:00"));
        var unsynced = new ClockReading(TestTimes.Berlin(SchoolMorning), ClockTrust.Unsynced, TestTimes.Berlin("2026-10-01 07:00"));
        Row[] rows =
        [
            new("A student pass on its line on a school morning is accepted", Card(FareWorld.Student), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student"),
            new("A student pass on the second line it names is accepted", Card(FareWorld.Student), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student", Line: "111"),
            new("A student pass when the line is unknown gets the benefit of the doubt", Card(FareWorld.Student), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student", Line: null),
            new("A pass held by the PAR accepts the phone wallet that shares it", Card(FareWorld.WalletPhone, par: FareWorld.WalletPar), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student"),
            new("A zone pass in its zone is accepted", Card(FareWorld.ZoneStudent), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "zone-a", Zone: "A"),
            new("A card without a pass is charged when pay-as-you-go is on", Card(FareWorld.Stranger), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPayAsYouGo, Chargeable: true, Policy: FareWorld.Policy(payg: true)),
            new("A pass on the wrong line falls back to pay-as-you-go when it is on", Card(FareWorld.Student), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPayAsYouGo, Chargeable: true, Line: "200", Policy: FareWorld.Policy(payg: true)),
            new("A second tap within the window is already validated and not charged", Card(FareWorld.Student), SchoolMorning, FareOutcome.AlreadyValidated, FareReasons.AlreadyValidated, Product: "student", AcceptedBefore: TimeSpan.FromMinutes(5)),
            new("A second pay-as-you-go tap within the window is not charged again", Card(FareWorld.Stranger), SchoolMorning, FareOutcome.AlreadyValidated, FareReasons.AlreadyValidated, Product: "student", Policy: FareWorld.Policy(payg: true), AcceptedBefore: TimeSpan.FromMinutes(14)),
            new("A tap after the window is a new journey", Card(FareWorld.Stranger), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPayAsYouGo, Chargeable: true, Policy: FareWorld.Policy(payg: true), AcceptedBefore: TimeSpan.FromMinutes(15)),
            new("A denied card is rejected", Card(FareWorld.Denied), SchoolMorning, FareOutcome.Rejected, FareReasons.Denied, Policy: FareWorld.Policy(payg: true)),
            new("A denied card is rejected even right after an accepted tap", Card(FareWorld.Denied), SchoolMorning, FareOutcome.Rejected, FareReasons.Denied, AcceptedBefore: TimeSpan.FromMinutes(1)),
            new("A card without a pass is rejected when pay-as-you-go is off", Card(FareWorld.Stranger), SchoolMorning, FareOutcome.Rejected, FareReasons.NoTicket),
            new("A UID card cannot pay as you go", TestCards.Read(TestCards.Uid(FareWorld.Stranger)), SchoolMorning, FareOutcome.Rejected, FareReasons.NoTicket, Policy: FareWorld.Policy(payg: true)),
            new("A pass for a product no longer in the catalogue is no ticket", Card(FareWorld.RetiredProduct), SchoolMorning, FareOutcome.Rejected, FareReasons.NoTicket),
            new("A pass after its last day is expired", Card(FareWorld.Student), "2027-08-02 07:30", FareOutcome.Rejected, FareReasons.PassExpired),
            new("A pass before its first day is not yet valid", Card(FareWorld.Student), "2026-08-20 07:30", FareOutcome.Rejected, FareReasons.PassNotYetValid),
            new("A pass on a line it does not name is the wrong line", Card(FareWorld.Student), SchoolMorning, FareOutcome.Rejected, FareReasons.WrongLine, Line: "200"),
            new("A zone pass outside its zone is the wrong zone", Card(FareWorld.ZoneStudent), SchoolMorning, FareOutcome.Rejected, FareReasons.WrongZone, Zone: "B"),
            new("A school-day pass on a Saturday is outside its time", Card(FareWorld.Student), "2026-10-10 07:30", FareOutcome.Rejected, FareReasons.OutsideTime),
            new("A pass after its daily window is outside its time", Card(FareWorld.Student), "2026-10-05 18:00", FareOutcome.Rejected, FareReasons.OutsideTime),
            new("A pass before its daily window is outside its time", Card(FareWorld.Student), "2026-10-05 05:59", FareOutcome.Rejected, FareReasons.OutsideTime),
            new("A card past its expiry month is expired", Card(FareWorld.Student, expiry: "2609"), SchoolMorning, FareOutcome.Rejected, FareReasons.CardExpired),
            new("A card in its expiry month is still valid", Card(FareWorld.Student, expiry: "2610"), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student"),
            new("A card with nothing we accept is not supported", TestCards.NotSupported(), SchoolMorning, FareOutcome.Rejected, FareReasons.NotSupported),
            new("A card pulled during the read means tap again", TestCards.Failed(CardReadReason.CardRemoved), SchoolMorning, FareOutcome.TapAgain, FareReasons.CardRemoved),
            new("A card that stopped answering means tap again", TestCards.Failed(CardReadReason.Timeout), SchoolMorning, FareOutcome.TapAgain, FareReasons.Timeout),
            new("A garbled answer means tap again", TestCards.Failed(CardReadReason.MalformedAnswer), SchoolMorning, FareOutcome.TapAgain, FareReasons.ReadError),
            new("A reader fault means tap again", TestCards.Failed(CardReadReason.ReaderFault), SchoolMorning, FareOutcome.TapAgain, FareReasons.ReaderFault),
            new("Pay-as-you-go is refused on a stale deny list when the policy says so", Card(FareWorld.Stranger), "2026-10-20 07:30", FareOutcome.Rejected, FareReasons.ListsStale, Policy: FareWorld.Policy(payg: true) with { PayAsYouGoNeedsFreshDenyList = true }),
            new("Pay-as-you-go goes on with a stale deny list by default", Card(FareWorld.Stranger), "2026-10-20 07:30", FareOutcome.Accepted, FareReasons.AcceptedPayAsYouGo, Chargeable: true, Policy: FareWorld.Policy(payg: true)),
            new("A clock behind the last trusted time judges the pass by the last trusted date", Card(FareWorld.Student), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student", Clock: behind),
            new("A clock behind the last trusted time skips the weekday check it cannot make", Card(FareWorld.Student), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student", Clock: behindSaturday),
            new("A clock behind the last trusted time judges by the clock when the policy says so", Card(FareWorld.Student), SchoolMorning, FareOutcome.Rejected, FareReasons.PassNotYetValid, Policy: FareWorld.Policy() with { ClockPolicy = ClockPolicy.UseClock }, Clock: behind),
            new("An unsynced but plausible clock is used as it is", Card(FareWorld.Student), SchoolMorning, FareOutcome.Accepted, FareReasons.AcceptedPass, Product: "student", Clock: unsynced),
        ];
        return rows.Select(r => new TestCaseData(r).SetName(r.Name));
    }

    [TestCaseSource(nameof(Rows))]
    public void Each_rule_gives_its_outcome_and_reason(object row)
    {
        var r = (Row)row;
        var at = TestTimes.Berlin(r.At);
        var recent = new RepeatTapTracker();
        if (r.AcceptedBefore is { } ago && r.Read.Identity is { } card) recent.Record(card.Token, new RecentTap(at - ago, "student"));

        var decision = FareWorld.Decide(r.Read, at, FareWorld.Lists(r.Policy), recent, r.Line, r.Zone, r.Clock);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Outcome, Is.EqualTo(r.Outcome));
            Assert.That(decision.Reason, Is.EqualTo(r.Reason));
            Assert.That(decision.Chargeable, Is.EqualTo(r.Chargeable));
            Assert.That(decision.Product, Is.EqualTo(r.Product));
        });
    }

    [Test]
    public void Every_reason_code_is_covered_by_a_row()
    {
        var covered = Rows().Select(d => ((Row)d.Arguments[0]!).Reason).ToHashSet();
        var all = typeof(FareReasons).GetFields().Select(f => (string)f.GetRawConstantValue()!);
        Assert.That(all.Except(covered), Is.Empty);
    }
}
