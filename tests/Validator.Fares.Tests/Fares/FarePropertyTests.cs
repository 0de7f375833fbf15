using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;

namespace Validator.Fares.Tests.Fares;

/// <summary>Randomised checks with a fixed seed: thousands of generated taps, the same ones on every run.</summary>
[TestFixture]
public class FarePropertyTests
{
    private const int Seed = 20261005;
    private static readonly DateTimeOffset Start = TestTimes.Berlin("2026-10-05 06:00");

    private static string? RandomExpiry(Random random) => random.Next(5) == 0 ? null : $"{random.Next(26, 31):D2}{random.Next(1, 13):D2}";

    private static byte? RandomPsn(Random random) => random.Next(5) == 0 ? null : (byte)random.Next(3);

    private static ListSnapshot RandomLists(Random random, CardToken[] tokens, out DenyEntry[] deny)
    {
        deny = tokens.Where(_ => random.Next(3) == 0).Select(t => new DenyEntry
        {
            Token = t,
            Expiry = RandomExpiry(random),
            Psn = RandomPsn(random),
            Reason = (DenyReason)random.Next(1, 6),
            AddedAt = Start,
        }).ToArray();
        var passes = tokens.Where(_ => random.Next(2) == 0).Select((t, i) => FareWorld.StudentPass($"p{i}", t) with
        {
            Lines = random.Next(2) == 0 ? [] : ["110"],
            Windows = [],
            Days = Weekdays.All,
        }).ToArray();
        var policy = FareWorld.Policy(payg: random.Next(2) == 0) with { RepeatTapWindow = TimeSpan.FromMinutes(random.Next(1, 30)) };
        return new ListSnapshot(DenyList.Build(deny), new ListStamp(1, Start), EntitlementIndex.Build(passes), new ListStamp(1, Start), policy, new ListStamp(1, Start));
    }

    [Test]
    public void A_card_blocked_by_a_deny_entry_is_never_accepted()
    {
        var random = new Random(Seed);
        var tokens = Enumerable.Range(0, 300).Select(TestCards.Token).ToArray();
        var lists = RandomLists(random, tokens, out var deny);
        var recent = new RepeatTapTracker();
        var checkedBlocked = 0;

        for (var i = 0; i < 20_000; i++)
        {
            var card = TestCards.Emv(tokens[random.Next(tokens.Length)], RandomExpiry(random), RandomPsn(random));
            var at = Start.AddSeconds(i * 7);
            var decision = FareEngine.Decide(new FareRequest { Read = TestCards.Read(card), Clock = ClockReading.TrustedAt(at), Location = new TapLocation("110") }, lists, recent);
            if (decision.Outcome == FareOutcome.Accepted) recent.Record(card.Token, new RecentTap(at, decision.Product));

            var blocked = deny.Any(d => d.Token == card.Token
                && (d.Expiry is null || card.Expiry is null || d.Expiry == card.Expiry)
                && (d.Psn is null || card.Psn is null || d.Psn == card.Psn));
            if (!blocked) continue;
            checkedBlocked++;
            Assert.That(decision.Outcome, Is.Not.EqualTo(FareOutcome.Accepted).And.Not.EqualTo(FareOutcome.AlreadyValidated), $"tap {i}");
            Assert.That(decision.Reason, Is.EqualTo(FareReasons.Denied), $"tap {i}");
        }
        Assert.That(checkedBlocked, Is.GreaterThan(1000), "the generator must produce blocked taps for the property to mean anything");
    }

    [Test]
    public void Taps_of_one_card_inside_the_repeat_window_are_charged_at_most_once()
    {
        var random = new Random(Seed + 1);
        var tokens = Enumerable.Range(0, 50).Select(TestCards.Token).ToArray();
        var lists = RandomLists(random, tokens, out _);
        lists = lists.With(lists.Policy with { AcceptPayAsYouGo = true }, lists.PolicyStamp);
        var window = lists.Policy.RepeatTapWindow;
        var service = new RepeatTapTracker();
        var charges = new Dictionary<CardToken, List<DateTimeOffset>>();
        var at = Start;

        for (var i = 0; i < 20_000; i++)
        {
            at += TimeSpan.FromSeconds(random.Next(0, 90));
            var card = TestCards.Emv(tokens[random.Next(tokens.Length)]);
            var decision = FareEngine.Decide(new FareRequest { Read = TestCards.Read(card), Clock = ClockReading.TrustedAt(at) }, lists, service);
            if (decision.Outcome == FareOutcome.Accepted) service.Record(card.Token, new RecentTap(at, decision.Product));
            if (decision.Chargeable)
            {
                if (!charges.TryGetValue(card.Token, out var list)) charges[card.Token] = list = [];
                list.Add(at);
            }
        }

        var pairs = charges.Values.SelectMany(times => times.Zip(times.Skip(1), (a, b) => b - a)).ToList();
        Assert.That(pairs, Is.Not.Empty, "the generator must produce repeated charges for the property to mean anything");
        Assert.That(pairs, Has.All.GreaterThanOrEqualTo(window));
    }

    private static ListSnapshot Lists(DenyList deny) =>
        ListSnapshot.Empty.With(FareWorld.Policy(payg: true), new ListStamp(1, Start)).With(deny, new ListStamp(1, Start));

    private static string Decide(CardIdentity card, ListSnapshot lists) =>
        FareEngine.Decide(new FareRequest { Read = TestCards.Read(card), Clock = ClockReading.TrustedAt(Start) }, lists, new RepeatTapTracker()).Reason;

    [Test]
    public void A_reissued_card_escapes_an_entry_narrowed_to_its_old_issue_but_not_an_unnarrowed_one()
    {
        var random = new Random(Seed + 2);
        for (var i = 0; i < 2000; i++)
        {
            var token = TestCards.Token(random.Next());
            var oldExpiry = $"{random.Next(24, 28):D2}{random.Next(1, 13):D2}";
            var newExpiry = $"{random.Next(28, 33):D2}{random.Next(1, 13):D2}";
            var oldPsn = (byte)random.Next(0, 5);
            var newPsn = (byte)(oldPsn + 1);
            var narrowing = random.Next(3);
            var narrowed = new DenyEntry
            {
                Token = token,
                Expiry = narrowing != 1 ? oldExpiry : null,
                Psn = narrowing != 0 ? oldPsn : null,
                Reason = DenyReason.Lost,
                AddedAt = Start,
            };
            var unnarrowed = narrowed with { Expiry = null, Psn = null };
            var oldCard = TestCards.Emv(token, oldExpiry, oldPsn);
            var newCard = TestCards.Emv(token, newExpiry, newPsn);

            var narrowList = Lists(DenyList.Build([narrowed]));
            var fullList = Lists(DenyList.Build([unnarrowed]));

            Assert.Multiple(() =>
            {
                Assert.That(Decide(oldCard, narrowList), Is.EqualTo(FareReasons.Denied), $"old issue, case {i}");
                Assert.That(Decide(newCard, narrowList), Is.EqualTo(FareReasons.AcceptedPayAsYouGo), $"new issue, case {i}");
                Assert.That(Decide(newCard, fullList), Is.EqualTo(FareReasons.Denied), $"un-narrowed, case {i}");
            });
        }
    }
}
