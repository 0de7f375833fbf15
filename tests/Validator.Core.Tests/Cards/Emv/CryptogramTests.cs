using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards.Emv;

public class CryptogramTests
{
    [Test]
    public void A_default_read_does_not_advance_the_mastercard_transaction_counter()
    {
        var card = CardProfiles.Mastercard();
        var result = Tap.Read(card, null, out var recorder);
        Assert.That(result.Identity?.Cryptogram, Is.Null);
        Assert.That(recorder.Steps(), Does.Not.Contain("GENERATE AC"));
        Assert.That(card.TransactionCounter, Is.Zero);
    }

    [Test]
    public void With_cryptograms_requested_generate_ac_is_sent_per_cdol1_and_the_answer_kept()
    {
        var card = CardProfiles.Mastercard();
        var result = Tap.Read(card, Tap.Options(requestCryptogram: true), out var recorder);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        var cryptogram = result.Identity!.Cryptogram!;
        Assert.Multiple(() =>
        {
            Assert.That(cryptogram.Kind, Is.EqualTo("ARQC"));
            Assert.That(cryptogram.TransactionCounter, Is.EqualTo(1));
            Assert.That(cryptogram.Cryptogram.Length, Is.EqualTo(8));
            Assert.That(card.TransactionCounter, Is.EqualTo(1));
            // The record with CDOL1 (SFI 2) is read, then GENERATE AC with P1 80 (ARQC) and the 66 bytes CDOL1 asks for.
            Assert.That(recorder.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A0000000041010", "GPO", "READ RECORD 1/1", "READ RECORD 2/1", "GENERATE AC" }));
            var generateAc = recorder.Commands[^1];
            Assert.That(generateAc[2], Is.EqualTo(0x80));
            Assert.That(generateAc[4], Is.EqualTo(66));
            Assert.That(cryptogram.ToString(), Does.Not.Contain(Hex.Format(cryptogram.Cryptogram.Span)));
            Assert.That(result.ToString(), Does.Not.Contain(Hex.Format(cryptogram.Cryptogram.Span)));
        });
    }

    [Test]
    public void A_qvsdc_card_gives_its_gpo_cryptogram_and_gets_no_second_one()
    {
        var card = CardProfiles.Visa();
        var result = Tap.Read(card, Tap.Options(requestCryptogram: true), out var recorder);

        Assert.That(result.Identity?.Cryptogram?.TransactionCounter, Is.EqualTo(1));
        Assert.That(card.TransactionCounter, Is.EqualTo(1));
        Assert.That(recorder.Steps(), Does.Not.Contain("GENERATE AC"));
    }
}
