using Validator.Core.Cards;
using Validator.Core.Taps;
using Validator.Daemon.Demo;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Tests;

/// <summary>
/// Every virtual card profile and every recorded real card, tapped through the real PC/SC stack (pcscd, the vpcd
/// reader, our monitor and connector) and read by the card reader: the same identity and APDU count as the spec says.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Cards_read_through_pcscd
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 ^ i)).ToArray();
    private VpcdTapStation _station = null!;
    private TapProcessor _processor = null!;

    [OneTimeSetUp]
    public void Start()
    {
        PcscStack.RequireEmptyReader();
        _station = VpcdTapStation.TryStart(out var whyNot) ?? throw new InvalidOperationException($"no vpcd station: {whyNot}");
        _processor = TapRig.Processor(new CardReader(new CardReaderOptions { TokenKey = Key }), new MemoryJournal(), new RecordingFeedback());
    }

    private StationRead Tap(ICardModel card) => new(_station.Tap(card, _processor).Result.Read);

    private sealed record StationRead(CardReadResult Read);

    [OneTimeTearDown]
    public void Stop() => _station?.Dispose();

    // Values are the catalogue's default test cards (CardProfiles.Default*): brand, AID, last 4, expiry, PSN (-1: none)
    // and the APDUs of a minimal read (PPSE, SELECT, GPO, records by short file number until PAN and expiry are known; see docs/cards.md).
    [TestCase("mastercard", "Mastercard", "A0000000041010", "4444", "2812", -1, 4)]
    [TestCase("mastercard-no-ppse", "Mastercard", "A0000000041010", "4444", "2812", -1, 4)]
    [TestCase("maestro", "Maestro", "A0000000043060", "8453", "2709", 0, 4)]
    [TestCase("visa", "Visa", "A0000000031010", "1111", "2907", -1, 3)]
    [TestCase("girocard", "girocard", "A00000005945430100", "0019", "2712", 2, 4)]
    [TestCase("wallet", "Mastercard", "A0000000041010", "1002", "3005", 0, 4)]
    public void A_payment_card_profile_reads_to_its_identity(string name, string brand, string aid, string last4, string expiry, int psn, int apdus)
    {
        var tap = Tap(CardProfiles.Create(name));
        Assert.That(tap.Read.Outcome, Is.EqualTo(CardReadOutcome.Identified), tap.Read.Detail);
        var id = tap.Read.Identity!;
        Assert.Multiple(() =>
        {
            Assert.That(id.Kind, Is.EqualTo(CardKind.Emv));
            Assert.That(id.Brand, Is.EqualTo(brand));
            Assert.That(id.Aid, Is.EqualTo(aid));
            Assert.That(id.Last4, Is.EqualTo(last4));
            Assert.That(id.Expiry, Is.EqualTo(expiry));
            Assert.That(id.Psn, Is.EqualTo(psn < 0 ? null : (byte?)psn));
            Assert.That(tap.Read.ApduCount, Is.EqualTo(apdus));
        });
    }

    [Test]
    public void The_phone_wallet_gives_its_payment_account_reference()
    {
        var tap = Tap(CardProfiles.PhoneWallet());
        Assert.That(tap.Read.Identity?.Par, Is.EqualTo(CardProfiles.DefaultWallet.Par));
    }

    [Test]
    public void The_token_is_the_keyed_hash_of_the_PAN_digits()
    {
        var data = new CardholderData("5413330089600010", "2812", 3);
        var tap = Tap(CardProfiles.Mastercard(data));
        using var hmac = new System.Security.Cryptography.HMACSHA256(Key);
        var expected = CardToken.FromBytes(hmac.ComputeHash(System.Text.Encoding.ASCII.GetBytes(data.Pan)).AsSpan(0, 16));
        Assert.That(tap.Read.Identity?.Token, Is.EqualTo(expected));
    }

    [TestCase("uid", "MIFARE Classic 1K")]
    [TestCase("ultralight", "MIFARE Ultralight")]
    public void A_uid_card_is_identified_by_its_uid_in_one_apdu(string name, string brand)
    {
        var tap = Tap(CardProfiles.Create(name));
        Assert.That(tap.Read.Identity?.Kind, Is.EqualTo(CardKind.Uid));
        Assert.That(tap.Read.Identity?.Brand, Is.EqualTo(brand));
        Assert.That(tap.Read.ApduCount, Is.EqualTo(1));
    }

    [Test]
    public void A_card_with_no_supported_application_is_not_supported()
    {
        var tap = Tap(CardProfiles.NoSupportedApplication());
        Assert.That(tap.Read.Outcome, Is.EqualTo(CardReadOutcome.NotSupported));
        Assert.That(tap.Read.Reason, Is.EqualTo(CardReadReason.NoSupportedApplication));
    }

    [Test]
    public void A_card_answering_garbage_is_a_read_failure()
    {
        var tap = Tap(CardProfiles.Garbage());
        Assert.That(tap.Read.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed));
        Assert.That(tap.Read.Reason, Is.EqualTo(CardReadReason.MalformedAnswer));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void A_card_pulled_after_N_answers_is_a_read_failure_card_removed(int answered)
    {
        var tap = Tap(CardProfiles.RemovedAfter(CardProfiles.Mastercard(), answered));
        Assert.That(tap.Read.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed), tap.Read.Detail);
        Assert.That(tap.Read.Reason, Is.EqualTo(CardReadReason.CardRemoved), tap.Read.Detail);
    }

    // APDUs of a minimal read, worked out from each recording (see Validator.Core.Tests TraceReadTests).
    [TestCase("emv-mastercard-debit-de-aab.json", 4)]
    [TestCase("emv-visa-debit-de-comdirect.json", 3)]
    [TestCase("emv-girocard-de-voba-2021.json", 4)]
    [TestCase("emv-fixture-mastercard-magstripe-only.json", 4)]
    public void A_recorded_real_card_reads_to_the_identity_in_its_recording(string file, int apdus)
    {
        using var trace = CardTestData.Load(file);
        var expect = trace.RootElement.GetProperty("expect");
        var tap = Tap(TraceReplayCard.Load(Path.Combine(CardTestData.Directory, file)));

        Assert.That(tap.Read.Outcome, Is.EqualTo(CardReadOutcome.Identified), tap.Read.Detail);
        var id = tap.Read.Identity!;
        Assert.Multiple(() =>
        {
            Assert.That(id.Aid, Is.EqualTo(expect.GetProperty("aid").GetString()));
            Assert.That(id.Last4, Is.EqualTo(expect.GetProperty("pan_last4").GetString()));
            Assert.That(id.Expiry, Is.EqualTo(expect.GetProperty("expiry").GetString()));
            // A minimal read stops before the PSN on some cards; where it was read it must be the recorded one.
            if (expect.TryGetProperty("pan_seq", out var psn))
            {
                Assert.That(id.Psn, Is.Null.Or.EqualTo(byte.Parse(psn.GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
            }
            else
            {
                Assert.That(id.Psn, Is.Null);
            }
            Assert.That(tap.Read.ApduCount, Is.EqualTo(apdus));
        });
    }

    [Test]
    public void The_french_cb_card_is_not_supported_with_the_default_applications()
    {
        var tap = Tap(TraceReplayCard.Load(Path.Combine(CardTestData.Directory, "emv-fixture-cb-visa-pse-gpo-format1.json")));
        Assert.That(tap.Read.Outcome, Is.EqualTo(CardReadOutcome.NotSupported), tap.Read.Detail);
    }

    [Test]
    public void Every_recorded_trace_has_a_case_here()
    {
        var covered = new[]
        {
            "emv-mastercard-debit-de-aab.json", "emv-visa-debit-de-comdirect.json", "emv-girocard-de-voba-2021.json",
            "emv-fixture-mastercard-magstripe-only.json", "emv-fixture-cb-visa-pse-gpo-format1.json",
        };
        Assert.That(CardTestData.TraceFiles(), Is.SubsetOf(covered));
    }
}
