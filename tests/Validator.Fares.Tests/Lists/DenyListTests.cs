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

    [Test]
    public void A_list_without_added_times_answers_every_lookup_the_same_and_refuses_to_list_entries()
    {
        var random = new Random(3);
        var entries = Enumerable.Range(0, 500).Select(i => Entry(random.Next(200), random.Next(3) == 0 ? "2701" : null, random.Next(4) == 0 ? (byte)1 : null, (DenyReason)random.Next(1, 6)) with { AddedAt = Added.AddSeconds(i) }).ToList();
        var full = DenyList.Build(entries);
        var lean = full.WithoutAddedTimes();
        var cards = Enumerable.Range(0, 200).SelectMany(t => new[] { TestCards.Emv(TestCards.Token(t), expiry: "2701", psn: 1), TestCards.Emv(TestCards.Token(t), expiry: "3001", psn: 0) });

        Assert.Multiple(() =>
        {
            Assert.That(cards.Select(c => lean.TryMatch(c, out var r) ? r : (DenyReason?)null), Is.EqualTo(cards.Select(c => full.TryMatch(c, out var r) ? r : (DenyReason?)null)));
            Assert.That((lean.Count, lean.HasAddedTimes, full.HasAddedTimes), Is.EqualTo((full.Count, false, true)));
            Assert.That(() => lean.Entries.ToList(), Throws.InvalidOperationException.With.Message.Contains("store"));
        });
    }

    [Test]
    public void A_delta_on_a_list_without_added_times_gives_the_same_entries_as_on_one_with_them()
    {
        var before = DenyList.Build([Entry(1), Entry(2, reason: DenyReason.Fraud), Entry(3, expiry: "2701")]);
        DenyEntry[] adds = [Entry(4, reason: DenyReason.Unpaid), Entry(2, reason: DenyReason.Stolen) with { AddedAt = Added.AddDays(1) }];
        DenyKey[] removes = [new DenyKey(TestCards.Token(3), "2701")];

        var withTimes = before.Apply(adds, removes);
        var without = before.WithoutAddedTimes().Apply(adds, removes);

        Assert.Multiple(() =>
        {
            Assert.That(Rows(without).Select(r => (r.ToKey(), r.Reason)), Is.EqualTo(Rows(withTimes).Select(r => (r.ToKey(), r.Reason))));
            Assert.That(Rows(without).Select(r => r.AddedTicks), Is.All.Zero);
            Assert.That(without.HasAddedTimes, Is.False);
            Assert.That(withTimes.Entries.Select(e => e.Reason), Is.EqualTo(new[] { DenyReason.Lost, DenyReason.Stolen, DenyReason.Unpaid }));
        });
    }

    private static DenyRow[] Rows(DenyList list)
    {
        var rows = new DenyRow[list.Count];
        Assert.That(list.CopyRows(0, rows), Is.EqualTo(list.Count));
        return rows;
    }

    [Test]
    public void A_stream_that_holds_more_or_fewer_entries_than_it_states_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DenyList.Build(Stream(3), 2), Throws.ArgumentException.With.Message.Contains("more entries than the 2"));
            Assert.That(() => DenyList.Build(Stream(1), 2), Throws.ArgumentException.With.Message.Contains("holds 1 entries, not the 2"));
            Assert.That(DenyList.Build(Stream(2), 2).Count, Is.EqualTo(2));
        });

        static IEnumerable<DenyEntry> Stream(int n)
        {
            for (var i = 0; i < n; i++) yield return Entry(i);
        }
    }

    [Test]
    public void A_stream_of_unknown_length_is_built_whole()
    {
        // Past the builder's first allocation, so it has to grow; repeated keys on the way.
        static IEnumerable<DenyEntry> Stream()
        {
            for (var i = 0; i < 5000; i++) yield return Entry(i % 4000) with { AddedAt = Added.AddSeconds(i) };
        }

        var list = DenyList.Build(Stream());

        Assert.Multiple(() =>
        {
            Assert.That(list.Count, Is.EqualTo(4000));
            Assert.That(list.Entries.Single(e => e.Token == TestCards.Token(10)).AddedAt, Is.EqualTo(Added.AddSeconds(4010)));
            Assert.That(list.Contains(new DenyKey(TestCards.Token(3999))), Is.True);
        });
    }

    [TestCase(null, null)]
    [TestCase("9912", (byte)255)]
    [TestCase("0001", (byte)0)]
    public void A_packed_row_gives_back_every_field(string? expiry, byte? psn)
    {
        foreach (var reason in Enum.GetValues<DenyReason>())
        {
            var entry = Entry(7, expiry, psn, reason) with { AddedAt = Added.AddTicks(-1) };
            Assert.That(DenyRow.From(entry).ToEntry(), Is.EqualTo(entry));
        }
    }

    [Test]
    public void A_row_with_a_psn_beyond_one_byte_is_refused()
    {
        Assert.That(() => new DenyRow(1, 2, 0, 256, DenyReason.Lost, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
