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
