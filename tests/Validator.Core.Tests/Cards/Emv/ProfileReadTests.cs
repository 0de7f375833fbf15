using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards.Emv;

public class ProfileReadTests
{
    [Test]
    public void A_mastercard_is_identified_from_its_mag_stripe_record_in_four_apdus()
    {
        var data = new CardholderData("5413330089600010", "2611", 3);
        var result = Tap.Read(CardProfiles.Mastercard(data), null, out var card);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        var id = result.Identity!;
        Assert.Multiple(() =>
        {
            Assert.That(id.Kind, Is.EqualTo(CardKind.Emv));
            Assert.That(id.Brand, Is.EqualTo("Mastercard"));
            Assert.That(id.Aid, Is.EqualTo("A0000000041010"));
            Assert.That(id.Last4, Is.EqualTo("0010"));
            Assert.That(id.Expiry, Is.EqualTo("2611"));
            Assert.That(id.Psn, Is.Null, "5F34 sits in the record after the one that completes PAN and expiry");
            Assert.That(id.ApplicationLabel, Is.EqualTo("Debit Mastercard"));
            Assert.That(id.Token, Is.EqualTo(Tap.PanToken("5413330089600010")));
            Assert.That(card.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A0000000041010", "GPO", "READ RECORD 1/1" }));
            Assert.That(result.ApduCount, Is.EqualTo(4));
        });
    }

    [Test]
    public void With_the_sequence_number_required_a_mastercard_read_goes_on_to_the_record_holding_5F34()
    {
        var result = Tap.Read(CardProfiles.Mastercard(new CardholderData("5413330089600010", "2611", 3)), Tap.Options(requireSequenceNumber: true), out var card);

        Assert.That(result.Identity?.Psn, Is.EqualTo(3));
        Assert.That(card.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A0000000041010", "GPO", "READ RECORD 1/1", "READ RECORD 2/1" }));
    }

    [Test]
    public void A_card_answering_gpo_in_format_1_is_read_from_its_afl()
    {
        var result = Tap.Read(CardProfiles.Maestro(new CardholderData("6759000000001234", "2502", 7)), null, out var card);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.Multiple(() =>
        {
            Assert.That(result.Identity!.Brand, Is.EqualTo("Maestro"));
            Assert.That(result.Identity.Aid, Is.EqualTo("A0000000043060"));
            Assert.That(result.Identity.Last4, Is.EqualTo("1234"));
            Assert.That(result.Identity.Expiry, Is.EqualTo("2502"));
            Assert.That(result.Identity.Psn, Is.EqualTo(7));
            Assert.That(card.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A0000000043060", "GPO", "READ RECORD 1/1" }));
        });
    }

    [Test]
    public void A_visa_qvsdc_card_is_identified_from_track_2_in_the_gpo_answer_without_reading_records()
    {
        var result = Tap.Read(CardProfiles.Visa(new CardholderData("4761739001010119", "2412", 1)), null, out var card);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.Multiple(() =>
        {
            Assert.That(result.Identity!.Brand, Is.EqualTo("Visa"));
            Assert.That(result.Identity.Last4, Is.EqualTo("0119"));
            Assert.That(result.Identity.Expiry, Is.EqualTo("2412"));
            Assert.That(result.Identity.Psn, Is.Null);
            Assert.That(result.Identity.Token, Is.EqualTo(Tap.PanToken("4761739001010119")));
            Assert.That(card.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A0000000031010", "GPO" }));
        });
    }

    [Test]
    public void The_pdol_answer_has_the_length_the_card_asked_for()
    {
        // The virtual Visa answers 6700 unless GPO carries exactly the 33 bytes its PDOL asks for.
        var result = Tap.Read(CardProfiles.Visa(), null, out var card);
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        var gpo = card.Commands.Single(c => c[1] == 0xA8);
        Assert.That(Hex.Format(gpo.AsSpan(5, 2)), Is.EqualTo("8321"));
        Assert.That(Hex.Format(gpo.AsSpan(7, 4)), Is.EqualTo("28004000"), "TTQ first");
        Assert.That(Hex.Format(gpo.AsSpan(7 + 4 + 6 + 6, 2)), Is.EqualTo("0276"), "terminal country Germany");
        Assert.That(Hex.Format(gpo.AsSpan(7 + 4 + 6 + 6 + 2 + 5, 2)), Is.EqualTo("0978"), "currency euro");
    }

    [Test]
    public void A_girocard_is_read_through_its_first_application_by_priority_then_order()
    {
        var result = Tap.Read(CardProfiles.Girocard(new CardholderData("6725123456789012345", "2712", 2)), null, out var card);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.Multiple(() =>
        {
            Assert.That(result.Identity!.Brand, Is.EqualTo("girocard"));
            Assert.That(result.Identity.Aid, Is.EqualTo("A00000005945430100"));
            Assert.That(result.Identity.Last4, Is.EqualTo("2345"));
            Assert.That(result.Identity.Psn, Is.EqualTo(2));
            Assert.That(result.Identity.Token, Is.EqualTo(Tap.PanToken("6725123456789012345")));
            // The AFL lists the certificate record (SFI 3) first; the PAN's file, SFI 1, is read first and is enough.
            Assert.That(card.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A00000005945430100", "GPO", "READ RECORD 1/5" }));
        });
    }

    [Test]
    public void When_one_girocard_application_refuses_gpo_the_next_one_is_read()
    {
        var result = Tap.Read(CardProfiles.Girocard(firstApplicationRefuses: true), null, out var card);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.That(result.Identity!.Aid, Is.EqualTo("A0000003591010028001"));
        Assert.That(card.Steps(), Is.EqualTo(new[]
        {
            "SELECT PPSE", "SELECT A00000005945430100", "GPO", "SELECT A0000003591010028001", "GPO", "READ RECORD 1/5",
        }));
    }

    [Test]
    public void A_phone_wallet_gives_its_payment_account_reference()
    {
        var par = "5001Z9TESTPARVALUE0000000ABCD";
        var result = Tap.Read(CardProfiles.PhoneWallet(new CardholderData("5204740000009876", "3011", 0, par)));

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.That(result.Identity!.Par, Is.EqualTo(par));
        Assert.That(result.Identity.Last4, Is.EqualTo("9876"));
        Assert.That(result.ApduCount, Is.EqualTo(4));
    }

    [Test]
    public void A_card_without_ppse_is_found_by_selecting_the_supported_aids_directly()
    {
        var result = Tap.Read(CardProfiles.Mastercard(hasPpse: false), null, out var card);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.That(card.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A0000000041010", "GPO", "READ RECORD 1/1" }));
    }

    [Test]
    public void A_mifare_classic_is_identified_by_uid_without_any_emv_apdu()
    {
        var result = Tap.Read(CardProfiles.Mifare([0x2C, 0x7F, 0xB2, 0x8F]), null, out var card);

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.Multiple(() =>
        {
            Assert.That(result.Identity!.Kind, Is.EqualTo(CardKind.Uid));
            Assert.That(result.Identity.Brand, Is.EqualTo("MIFARE Classic 1K"));
            Assert.That(result.Identity.Token, Is.EqualTo(new CardTokenizer(Tap.Key).ForUid([0x2C, 0x7F, 0xB2, 0x8F])));
            Assert.That(result.Identity.Last4, Is.Null);
            Assert.That(card.Steps(), Is.EqualTo(new[] { "GET UID" }));
        });
    }

    [Test]
    public void An_ultralight_is_named_from_the_pseudo_atr()
    {
        var result = Tap.Read(CardProfiles.Create("ultralight"));
        Assert.That(result.Identity?.Brand, Is.EqualTo("MIFARE Ultralight"));
    }

    [Test]
    public void A_card_with_only_an_unsupported_application_is_not_supported_after_one_apdu()
    {
        var result = Tap.Read(CardProfiles.NoSupportedApplication());

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.NotSupported));
        Assert.That(result.Reason, Is.EqualTo(CardReadReason.NoSupportedApplication));
        Assert.That(result.ApduCount, Is.EqualTo(1));
    }

    [Test]
    public void A_card_answering_garbage_is_a_malformed_answer()
    {
        var result = Tap.Read(CardProfiles.Garbage());

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed));
        Assert.That(result.Reason, Is.EqualTo(CardReadReason.MalformedAnswer));
        Assert.That(result.Detail, Does.StartWith("SELECT PPSE"));
    }

    [Test]
    public void Every_catalogue_name_builds_a_card_the_reader_handles()
    {
        Assert.Multiple(() =>
        {
            foreach (var name in CardProfiles.Names)
            {
                var result = Tap.Read(CardProfiles.Create(name));
                var expected = name switch
                {
                    "unsupported" => CardReadOutcome.NotSupported,
                    "garbage" => CardReadOutcome.ReadFailed,
                    _ => CardReadOutcome.Identified,
                };
                Assert.That(result.Outcome, Is.EqualTo(expected), $"{name}: {result.Detail}");
            }
        });
        Assert.That(() => CardProfiles.Create("nonsense"), Throws.ArgumentException);
    }

    // name, brand, AID, last 4, expiry, PSN and APDUs in a minimal read, then PSN and APDUs with the PSN required.
    // Values are the catalogue's default test cards (CardProfiles.Default*); -1 stands for "no PSN".
    [TestCase("mastercard", "Mastercard", "A0000000041010", "4444", "2812", -1, 4, 1, 5)]
    [TestCase("mastercard-no-ppse", "Mastercard", "A0000000041010", "4444", "2812", -1, 4, 1, 5)]
    [TestCase("maestro", "Maestro", "A0000000043060", "8453", "2709", 0, 4, 0, 4)]
    [TestCase("visa", "Visa", "A0000000031010", "1111", "2907", -1, 3, 1, 6)]
    [TestCase("girocard", "girocard", "A00000005945430100", "0019", "2712", 2, 4, 2, 4)]
    [TestCase("wallet", "Mastercard", "A0000000041010", "1002", "3005", 0, 4, 0, 4)]
    public void Every_payment_profile_reads_to_its_identity_in_the_stated_apdus(
        string name, string brand, string aid, string last4, string expiry, int psn, int apdus, int psnRequired, int apdusWithPsn)
    {
        var minimal = Tap.Read(CardProfiles.Create(name));
        var withPsn = Tap.Read(CardProfiles.Create(name), Tap.Options(requireSequenceNumber: true));
        foreach (var (result, expectedPsn, expectedApdus) in new[] { (minimal, psn, apdus), (withPsn, psnRequired, apdusWithPsn) })
        {
            Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
            var id = result.Identity!;
            Assert.Multiple(() =>
            {
                Assert.That(id.Kind, Is.EqualTo(CardKind.Emv));
                Assert.That(id.Brand, Is.EqualTo(brand));
                Assert.That(id.Aid, Is.EqualTo(aid));
                Assert.That(id.Last4, Is.EqualTo(last4));
                Assert.That(id.Expiry, Is.EqualTo(expiry));
                Assert.That(id.Psn, Is.EqualTo(expectedPsn < 0 ? null : (byte?)expectedPsn));
                Assert.That(result.ApduCount, Is.EqualTo(expectedApdus));
            });
        }
        Assert.That(withPsn.Identity!.Token, Is.EqualTo(minimal.Identity!.Token));
    }

    [TestCase("uid", "MIFARE Classic 1K")]
    [TestCase("ultralight", "MIFARE Ultralight")]
    public void Every_uid_profile_reads_to_a_uid_identity_in_one_apdu(string name, string brand)
    {
        var result = Tap.Read(CardProfiles.Create(name));
        Assert.That(result.Identity?.Kind, Is.EqualTo(CardKind.Uid));
        Assert.That(result.Identity?.Brand, Is.EqualTo(brand));
        Assert.That(result.ApduCount, Is.EqualTo(1));
    }

    [Test]
    public void Cards_issued_with_chosen_data_get_distinct_tokens()
    {
        var tokens = Enumerable.Range(0, 200)
            .Select(i => Tap.Read(CardProfiles.Create("mastercard", new CardholderData($"5413330000{i:000000}", "2907", 1))).Identity!.Token)
            .ToHashSet();
        Assert.That(tokens, Has.Count.EqualTo(200));
    }
}
