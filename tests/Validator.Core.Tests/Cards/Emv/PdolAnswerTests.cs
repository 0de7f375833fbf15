using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards.Emv;

public class PdolAnswerTests
{
    // The virtual Visa's PDOL: 9F66(4) 9F02(6) 9F03(6) 9F1A(2) 95(5) 5F2A(2) 9A(3) 9C(1) 9F37(4); data starts after 83 21.
    private const int DataStart = 7;
    private const int DateOffset = 4 + 6 + 6 + 2 + 5 + 2;
    private const int UnpredictableNumberOffset = DateOffset + 3 + 1;

    private static byte[] GpoCommand(TimeProvider time)
    {
        var recorder = new RecordingCard(CardProfiles.Visa());
        var result = new CardReader(Tap.Options(), time).Read(new IsoCardChannel(new SimulatedCardTransport(recorder)));
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        return recorder.Commands.Single(c => c[1] == 0xA8);
    }

    [Test]
    public void The_transaction_date_is_todays_local_date_from_the_time_provider()
    {
        var gpo = GpoCommand(new FixedTime(new DateTimeOffset(2026, 11, 28, 23, 30, 0, TimeSpan.Zero), TimeZoneInfo.Utc));
        Assert.That(Hex.Format(gpo.AsSpan(DataStart + DateOffset, 3)), Is.EqualTo("261128"));

        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        gpo = GpoCommand(new FixedTime(new DateTimeOffset(2026, 11, 28, 23, 30, 0, TimeSpan.Zero), berlin));
        Assert.That(Hex.Format(gpo.AsSpan(DataStart + DateOffset, 3)), Is.EqualTo("261129"), "23:30 UTC is already the 29th in Germany");
    }

    [Test]
    public void Amounts_are_zero_and_the_transaction_type_is_a_purchase()
    {
        var gpo = GpoCommand(TimeProvider.System);
        Assert.That(gpo.AsSpan(DataStart + 4, 12).ToArray(), Is.All.EqualTo(0));
        Assert.That(gpo[DataStart + DateOffset + 3], Is.Zero);
    }

    [Test]
    public void The_unpredictable_number_changes_from_read_to_read()
    {
        var numbers = Enumerable.Range(0, 20)
            .Select(_ => Hex.Format(GpoCommand(TimeProvider.System).AsSpan(DataStart + UnpredictableNumberOffset, 4)))
            .ToHashSet();
        Assert.That(numbers, Has.Count.GreaterThan(15), "20 draws of four random bytes almost never collide; a fixed or counter-like number would");
    }

    private sealed class FixedTime(DateTimeOffset now, TimeZoneInfo zone) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => zone;
    }
}
