using Validator.Core.Lists;
using Validator.Fares.Tests.Fares;

namespace Validator.Fares.Tests.Lists;

[TestFixture]
public class EntitlementIndexTests
{
    [Test]
    public void A_card_finds_its_passes_by_token_and_by_par()
    {
        var index = EntitlementIndex.Build([FareWorld.StudentPass("a", token: TestCards.Token(1)), FareWorld.StudentPass("b", par: "PAR1"), FareWorld.StudentPass("c", token: TestCards.Token(2))]);

        index.Find(TestCards.Emv(TestCards.Token(1), par: "PAR1"), out var byToken, out var byPar);

        Assert.That((byToken.ToArray().Single().Id, byPar.ToArray().Single().Id), Is.EqualTo(("a", "b")));
    }

    [Test]
    public void An_entitlement_without_a_holder_is_refused_with_its_id_in_the_error()
    {
        Assert.That(() => EntitlementIndex.Build([FareWorld.StudentPass("orphan")]), Throws.ArgumentException.With.Message.Contains("orphan"));
    }

    [Test]
    public void An_entitlement_that_ends_before_it_starts_is_refused()
    {
        var reversed = FareWorld.StudentPass("r", token: TestCards.Token(1)) with { ValidFrom = new DateOnly(2027, 1, 1), ValidTo = new DateOnly(2026, 1, 1) };

        Assert.That(() => EntitlementIndex.Build([reversed]), Throws.ArgumentException.With.Message.Contains("before it starts"));
    }

    [Test]
    public void A_delta_replaces_by_id_and_leaves_the_old_index_alone()
    {
        var before = EntitlementIndex.Build([FareWorld.StudentPass("a", token: TestCards.Token(1)), FareWorld.StudentPass("b", token: TestCards.Token(2))]);

        var after = before.Apply([FareWorld.StudentPass("a", token: TestCards.Token(3))], ["b"]);

        after.Find(TestCards.Emv(TestCards.Token(3)), out var moved, out _);
        after.Find(TestCards.Emv(TestCards.Token(1)), out var left, out _);
        var counts = (after.Count, moved.Length, left.Length);
        Assert.Multiple(() =>
        {
            Assert.That(counts, Is.EqualTo((1, 1, 0)));
            Assert.That(before.TryGet("b", out _), Is.True);
        });
    }

    [Test]
    public void Every_field_comes_back_out_of_the_packed_index()
    {
        var passes = Varied(new Random(7), 300);

        var index = EntitlementIndex.Build(passes);

        Assert.That(index.All.Select(Describe).Order(StringComparer.Ordinal), Is.EqualTo(passes.Select(Describe).Order(StringComparer.Ordinal)));
    }

    [Test]
    public void Find_returns_exactly_the_passes_a_linear_search_of_the_input_finds_by_token_and_by_par()
    {
        var random = new Random(11);
        var passes = Varied(random, 2000);
        var added = Varied(random, 200, firstId: 1900);
        string[] removed = ["p5", "p77", "p1500"];
        var index = EntitlementIndex.Build(passes).Apply(added, removed);
        // The model: the input itself, the delta applied by hand (removals, then additions replacing by id).
        var model = passes.ToDictionary(e => e.Id);
        foreach (var id in removed) model.Remove(id);
        foreach (var e in added) model[e.Id] = e;

        Assert.Multiple(() =>
        {
            Assert.That(index.Count, Is.EqualTo(model.Count));
            for (var n = 0; n < 60; n++)
            {
                var card = TestCards.Emv(TestCards.Token(n), par: n % 3 == 0 ? null : Par(n));
                index.Find(card, out var byToken, out var byPar);
                Assert.That(byToken.ToArray().Select(Describe).Order(StringComparer.Ordinal), Is.EqualTo(model.Values.Where(e => e.Token == card.Token).Select(Describe).Order(StringComparer.Ordinal)), $"token {n}");
                Assert.That(byPar.ToArray().Select(Describe).Order(StringComparer.Ordinal), Is.EqualTo(model.Values.Where(e => card.Par is not null && e.Par == card.Par).Select(Describe).Order(StringComparer.Ordinal)), $"PAR {n}");
            }
        });
    }

    [Test]
    public void Ids_are_counted_and_tokens_listed_in_one_pass()
    {
        var index = EntitlementIndex.Build([FareWorld.StudentPass("a", token: TestCards.Token(2)), FareWorld.StudentPass("b", par: "PAR1"), FareWorld.StudentPass("c", token: TestCards.Token(1)), FareWorld.StudentPass("d", token: TestCards.Token(2))]);

        Assert.Multiple(() =>
        {
            Assert.That(index.CountWithIdIn(new HashSet<string>(["a", "b", "zz", "A"], StringComparer.Ordinal)), Is.EqualTo(2));
            Assert.That(index.CountWithIdIn(new HashSet<string>(["c", "d", "e"], EqualityComparer<string>.Create((x, y) => string.Equals(x, y, StringComparison.Ordinal), x => x.Length))), Is.EqualTo(2), "a set without a span lookup");
            Assert.That(index.Tokens, Is.EqualTo(new[] { TestCards.Token(1), TestCards.Token(2), TestCards.Token(2) }));
        });
    }

    [Test]
    public void Line_sets_are_told_apart_item_by_item()
    {
        var passes = new[]
        {
            FareWorld.StudentPass("every", token: TestCards.Token(1)) with { Lines = [] },
            FareWorld.StudentPass("blank", token: TestCards.Token(2)) with { Lines = [""] },
            FareWorld.StudentPass("two", token: TestCards.Token(3)) with { Lines = ["a", "b"] },
            FareWorld.StudentPass("joined", token: TestCards.Token(4)) with { Lines = ["a\u001Fb"] },
        };

        var index = EntitlementIndex.Build(passes);

        Assert.That(index.All.OrderBy(e => e.Token!.Value.Low).Select(e => string.Join("|", e.Lines.Select(l => $"<{l}>"))), Is.EqualTo(new[] { "", "<>", "<a>|<b>", "<a\u001Fb>" }));
    }

    [Test]
    public void An_entitlement_beyond_the_stored_bounds_is_refused()
    {
        var pass = FareWorld.StudentPass("x", token: TestCards.Token(1));

        Assert.Multiple(() =>
        {
            Assert.That(() => EntitlementIndex.Build([pass with { Days = (Weekdays)128 }]), Throws.ArgumentException.With.Message.Contains("unknown days"));
            Assert.That(() => EntitlementIndex.Build([pass with { Product = new string('p', Entitlement.MaxText + 1) }]), Throws.ArgumentException.With.Message.Contains("longer than"));
            Assert.That(() => EntitlementIndex.Build([pass with { Lines = Enumerable.Range(0, Entitlement.MaxItems + 1).Select(i => "L" + i).ToArray() }]), Throws.ArgumentException.With.Message.Contains("more than"));
            Assert.That(() => EntitlementIndex.Build([pass with { Product = new string('p', Entitlement.MaxText), Lines = Enumerable.Range(0, Entitlement.MaxItems).Select(i => "L" + i).ToArray() }]), Throws.Nothing);
        });
    }

    [Test]
    public void A_repeated_id_keeps_the_last_one_both_when_built_and_in_a_delta()
    {
        var index = EntitlementIndex.Build([FareWorld.StudentPass("a", token: TestCards.Token(1)), FareWorld.StudentPass("a", par: "PAR9")]);
        var after = index.Apply([FareWorld.StudentPass("b", token: TestCards.Token(2)), FareWorld.StudentPass("b", token: TestCards.Token(3))], []);

        index.Find(TestCards.Emv(TestCards.Token(1), par: "PAR9"), out var byToken, out var byPar);
        after.Find(TestCards.Emv(TestCards.Token(3)), out var third, out _);
        Assert.That((index.Count, byToken.Length, byPar.Length, after.Count, third.Length), Is.EqualTo((1, 0, 1, 2, 1)));
    }

    [Test]
    public void Deciding_on_the_index_reads_it_in_place_without_allocating()
    {
        var index = EntitlementIndex.Build(Varied(new Random(3), 5000));
        var card = TestCards.Emv(TestCards.Token(4), par: Par(4));
        var seen = 0;
        Read(); // first call: any one-time work is done here

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) Read();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.GreaterThan(100), "the card holds passes, so the fields were read");
            Assert.That(allocated, Is.Zero);
        });

        void Read()
        {
            index.Find(card, out var byToken, out var byPar);
            for (var i = 0; i < byToken.Length; i++) seen += byToken[i].Lines.Length + byToken[i].Product.Length + byToken[i].ValidTo.Day;
            for (var i = 0; i < byPar.Length; i++) seen += byPar[i].Windows.Length + byPar[i].Zones.Length + (int)byPar[i].Days;
        }
    }

    private static string Par(int n) => $"5001{n:D25}";

    /// <summary>Passes by token, by PAR or both, with a few products, line and zone sets and time windows, many cards holding several.</summary>
    private static List<Entitlement> Varied(Random random, int count, int firstId = 0)
    {
        string[][] lineSets = [[], ["110"], ["110", "111"], ["250", "251", "252"]];
        string[][] zoneSets = [[], ["A"], ["A", "B"]];
        TimeWindow[][] windows = [[], [new(new TimeOnly(6, 0), new TimeOnly(18, 0))], [new(new TimeOnly(22, 0), new TimeOnly(2, 0)), new(new TimeOnly(6, 0), new TimeOnly(9, 0))]];
        return Enumerable.Range(firstId, count).Select(i =>
        {
            var holder = random.Next(3);
            var card = random.Next(60);
            var from = new DateOnly(2026, 1, 1).AddDays(random.Next(400));
            return new Entitlement
            {
                Id = "p" + i,
                Token = holder != 1 ? TestCards.Token(card) : null,
                Par = holder != 0 ? Par(card) : null,
                Product = random.Next(4) switch { 0 => "zone-a", 1 => "retired", _ => "student" },
                ValidFrom = from,
                ValidTo = from.AddDays(random.Next(365)),
                Lines = lineSets[random.Next(lineSets.Length)],
                Zones = zoneSets[random.Next(zoneSets.Length)],
                Days = (Weekdays)random.Next(1, 128),
                Windows = windows[random.Next(windows.Length)],
            };
        }).ToList();
    }

    // Records with list members compare lists by reference; compare their contents instead.
    private static string Describe(Entitlement e) =>
        $"{e.Id}|{e.Token}|{e.Par}|{e.Product}|{e.ValidFrom}|{e.ValidTo}|{string.Join(',', e.Lines)}|{string.Join(',', e.Zones)}|{e.Days}|{string.Join(',', e.Windows)}";

    [TestCase("06:00", "18:00", "05:59", false)]
    [TestCase("06:00", "18:00", "06:00", true)]
    [TestCase("06:00", "18:00", "18:00", false)]
    [TestCase("22:00", "02:00", "23:30", true)]
    [TestCase("22:00", "02:00", "01:59", true)]
    [TestCase("22:00", "02:00", "12:00", false)]
    [TestCase("00:00", "00:00", "12:00", true)]
    public void A_time_window_holds_its_start_not_its_end_and_may_cross_midnight(string start, string end, string time, bool inside)
    {
        var window = new TimeWindow(TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(window.Contains(TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(inside));
    }
}
