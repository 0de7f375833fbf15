using Validator.Core.Lists;

namespace Validator.Fares.Tests.Lists;

[TestFixture]
public class DenyListTests
{
    private static readonly DateTimeOffset Added = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void Entries_come_back_with_their_added_at_times()
    {
        var entry = Entry(1, "2701", 2, DenyReason.Unpaid) with { AddedAt = Added.AddTicks(12345) };

        Assert.That(DenyList.Build([entry]).Entries, Is.EqualTo(new[] { entry }));
    }

    private static DenyEntry Entry(int token, string? expiry = null, byte? psn = null, DenyReason reason = DenyReason.Lost) =>
        new() { Token = TestCards.Token(token), Expiry = expiry, Psn = psn, Reason = reason, AddedAt = Added };

    [Test]
    public void A_token_not_on_the_list_is_not_matched()
    {
        var list = DenyList.Build([Entry(1), Entry(3)]);

        Assert.That(list.TryMatch(TestCards.Emv(TestCards.Token(2)), out _), Is.False);
    }

    [Test]
    public void A_token_that_shares_the_high_half_but_not_the_low_half_is_not_matched()
    {
        var listed = TestCards.Token(1);
        var list = DenyList.Build([new DenyEntry { Token = listed, Reason = DenyReason.Fraud, AddedAt = Added }]);
        var sibling = listed with { Low = listed.Low + 1 };

        Assert.That(list.TryMatch(TestCards.Emv(sibling), out _), Is.False);
    }

    [Test]
    public void An_entry_narrowed_to_an_expiry_blocks_only_that_issue()
    {
        var list = DenyList.Build([Entry(1, expiry: "2701")]);

        Assert.Multiple(() =>
        {
            Assert.That(list.TryMatch(TestCards.Emv(TestCards.Token(1), expiry: "2701"), out _), Is.True);
            Assert.That(list.TryMatch(TestCards.Emv(TestCards.Token(1), expiry: "3001"), out _), Is.False);
        });
    }

    [Test]
    public void An_entry_narrowed_to_a_psn_blocks_only_that_issue()
    {
        var list = DenyList.Build([Entry(1, psn: 0)]);

        Assert.Multiple(() =>
        {
            Assert.That(list.TryMatch(TestCards.Emv(TestCards.Token(1), psn: 0), out _), Is.True);
            Assert.That(list.TryMatch(TestCards.Emv(TestCards.Token(1), psn: 1), out _), Is.False);
        });
    }

    [Test]
    public void A_card_that_does_not_state_its_expiry_is_blocked_by_a_narrowed_entry()
    {
        var list = DenyList.Build([Entry(1, expiry: "2701")]);

        Assert.That(list.TryMatch(TestCards.Emv(TestCards.Token(1), expiry: null), out _), Is.True);
    }

    [Test]
    public void Several_issues_of_one_token_are_each_found_with_their_reason()
    {
        var list = DenyList.Build([Entry(1, expiry: "2701", reason: DenyReason.Stolen), Entry(1, expiry: "2901", reason: DenyReason.Unpaid), Entry(0), Entry(2)]);

        list.TryMatch(TestCards.Emv(TestCards.Token(1), expiry: "2701"), out var first);
        list.TryMatch(TestCards.Emv(TestCards.Token(1), expiry: "2901"), out var second);
        Assert.That((first, second), Is.EqualTo((DenyReason.Stolen, DenyReason.Unpaid)));
    }

    [Test]
    public void A_repeated_key_keeps_the_entry_added_last()
    {
        var list = DenyList.Build([Entry(1, reason: DenyReason.Fraud) with { AddedAt = Added.AddDays(1) }, Entry(2), Entry(1, reason: DenyReason.Lost)]);

        list.TryMatch(TestCards.Emv(TestCards.Token(1)), out var reason);
        Assert.That((list.Count, reason), Is.EqualTo((2, DenyReason.Fraud)));
    }

    [Test]
    public void A_malformed_expiry_is_refused_with_a_clear_error()
    {
        Assert.That(() => DenyList.Build([Entry(1, expiry: "2713")]), Throws.ArgumentException.With.Message.Contains("YYMM"));
    }

    [Test]
    public void A_delta_removes_and_adds_without_touching_the_list_it_came_from()
    {
        var before = DenyList.Build([Entry(1), Entry(2), Entry(3, expiry: "2701")]);

        var after = before.Apply([Entry(4), Entry(3, expiry: "2801")], [new DenyKey(TestCards.Token(2)), new DenyKey(TestCards.Token(3), "2701")]);

        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(1, 4).Select(t => after.Contains(new DenyKey(TestCards.Token(t)))), Is.EqualTo(new[] { true, false, false, true }));
            Assert.That(after.Contains(new DenyKey(TestCards.Token(3), "2801")), Is.True);
            Assert.That(after.Contains(new DenyKey(TestCards.Token(3), "2701")), Is.False);
            Assert.That(before.Count, Is.EqualTo(3));
            Assert.That(before.Contains(new DenyKey(TestCards.Token(2))), Is.True);
        });
    }

    [Test]
    public void A_delta_add_replaces_the_entry_with_the_same_key()
    {
        var before = DenyList.Build([Entry(1, reason: DenyReason.Lost)]);

        var after = before.Apply([Entry(1, reason: DenyReason.Stolen)], []);

        after.TryMatch(TestCards.Emv(TestCards.Token(1)), out var reason);
        Assert.That((after.Count, reason), Is.EqualTo((1, DenyReason.Stolen)));
    }

    [Test]
    public void A_delta_gives_the_same_list_as_building_the_result_from_scratch()
    {
        var random = new Random(7);
        var clock = 0;
        // Every entry later than the one before, so "added last" is defined for repeated keys on both sides.
        DenyEntry Next(int tokens) => Entry(random.Next(tokens), random.Next(2) == 0 ? null : "2701", reason: (DenyReason)random.Next(1, 6)) with { AddedAt = Added.AddSeconds(clock++) };
        var entries = Enumerable.Range(0, 2000).Select(_ => Next(500)).ToList();
        var adds = Enumerable.Range(0, 300).Select(_ => Next(600)).ToList();
        var removes = entries.Where(_ => random.Next(4) == 0).Select(e => e.Key).ToList();

        var applied = DenyList.Build(entries).Apply(adds, removes);
        var removedSet = removes.ToHashSet();
        var rebuilt = DenyList.Build(entries.Where(e => !removedSet.Contains(e.Key)).Concat(adds));

        Assert.That(applied.Entries, Is.EqualTo(rebuilt.Entries));
    }
}
