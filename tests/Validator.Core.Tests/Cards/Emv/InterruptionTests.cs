using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards.Emv;

/// <summary>A card pulled (or going silent) after any number of answered APDUs is a read failure value, never an exception.</summary>
public class InterruptionTests
{
    private static IEnumerable<TestCaseData> Cards()
    {
        foreach (var name in CardProfiles.Names.Where(n => n != "garbage"))
        {
            yield return new TestCaseData(name, false).SetName($"A_{name.Replace('-', '_')}_card_pulled_after_any_apdu_is_a_removed_card");
            yield return new TestCaseData(name, true).SetName($"A_{name.Replace('-', '_')}_card_silent_after_any_apdu_is_a_timeout");
        }
        yield return new TestCaseData("girocard-first-refuses", false).SetName("A_girocard_pulled_while_moving_to_its_second_application_is_a_removed_card");
    }

    private static ICardModel Build(string name) =>
        name == "girocard-first-refuses" ? CardProfiles.Girocard(firstApplicationRefuses: true) : CardProfiles.Create(name);

    [TestCaseSource(nameof(Cards))]
    public void Interrupting_a_read_at_every_apdu_gives_read_failed(string name, bool silent)
    {
        var full = Tap.Read(Build(name), Tap.Options(requireSequenceNumber: true));
        Assert.That(full.ApduCount, Is.GreaterThan(0));

        Assert.Multiple(() =>
        {
            for (var answered = 0; answered < full.ApduCount; answered++)
            {
                var card = silent ? CardProfiles.SilentAfter(Build(name), answered) : CardProfiles.RemovedAfter(Build(name), answered);
                var result = Tap.Read(card, Tap.Options(requireSequenceNumber: true));
                Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed), $"after {answered} answers: {result.Detail}");
                Assert.That(result.Reason, Is.EqualTo(silent ? CardReadReason.Timeout : CardReadReason.CardRemoved), $"after {answered} answers");
                Assert.That(result.Identity, Is.Null);
                Assert.That(result.ApduCount, Is.EqualTo(answered + 1), "the read stops at the first unanswered APDU");
            }
        });
    }

    [Test]
    public void A_card_pulled_during_generate_ac_gives_no_identity()
    {
        var options = Tap.Options(requestCryptogram: true);
        var full = Tap.Read(CardProfiles.Mastercard(), options);
        Assert.That(full.Identity?.Cryptogram, Is.Not.Null, full.Detail);

        var result = Tap.Read(CardProfiles.RemovedAfter(CardProfiles.Mastercard(), full.ApduCount - 1), options);
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed));
        Assert.That(result.Reason, Is.EqualTo(CardReadReason.CardRemoved));
    }
}
