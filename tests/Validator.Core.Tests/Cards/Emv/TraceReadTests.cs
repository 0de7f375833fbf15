using System.Text.Json;
using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards.Emv;

/// <summary>
/// Reads the recorded real cards in shared/testdata/cards through the CardReader. Identity values come from each
/// trace's "expect" block; APDU counts are worked out by hand from the recorded exchanges (see each case).
/// </summary>
public class TraceReadTests
{
    private static readonly Dictionary<string, string> BrandByAid = new(StringComparer.Ordinal)
    {
        ["A0000000041010"] = "Mastercard",
        ["A0000000031010"] = "Visa",
        ["A00000005945430100"] = "girocard",
        ["A0000003591010028001"] = "girocard",
        ["A0000000421010"] = "CB",
        ["D27600002547410100"] = "girocard ATM",
    };

    // Minimal read: PPSE, SELECT, GPO, then records by short file number (lowest first, AFL order within a file) until
    // PAN and expiry are known.
    // mastercard: SFI 1 record 1 holds 9F6B (PAN and expiry)                                            -> 4
    // visa:       the GPO answer holds 57 (PAN and expiry)                                              -> 3
    // girocard:   AFL 18/01 20/01 20/04 08/05 08/07 08/03: SFI 1 record 5 is read first, it has 5A/5F24 -> 4
    //             (in AFL order the certificate records in SFI 3 and 4 come first: 7)
    // magstripe:  AFL 08/01: its only record holds 9F6B                                                -> 4
    // With the PSN required, reading goes on to the record with 5F34 (or the AFL's end):
    // mastercard: SFI 2 record 1 -> 5; visa: SFI 2 record 3 -> 6; girocard: same record -> 4; magstripe: no 5F34 -> 4.
    [TestCase("emv-mastercard-debit-de-aab.json", 4, 5)]
    [TestCase("emv-visa-debit-de-comdirect.json", 3, 6)]
    [TestCase("emv-girocard-de-voba-2021.json", 4, 4)]
    [TestCase("emv-fixture-mastercard-magstripe-only.json", 4, 4)]
    public void A_recorded_card_gives_the_expected_identity_in_the_fewest_apdus(string file, int apdus, int apdusWithPsn)
    {
        using var trace = CardTestData.Load(file);
        var expect = trace.RootElement.GetProperty("expect");

        var minimal = Tap.Read(Replay(file));
        AssertIdentity(minimal, expect, psnRequired: false);
        Assert.That(minimal.ApduCount, Is.EqualTo(apdus));

        var withPsn = Tap.Read(Replay(file), Tap.Options(requireSequenceNumber: true));
        AssertIdentity(withPsn, expect, psnRequired: true);
        Assert.That(withPsn.ApduCount, Is.EqualTo(apdusWithPsn));
    }

    [Test]
    public void The_french_cb_card_without_ppse_is_not_supported_by_default_but_read_when_cb_is_configured()
    {
        const string file = "emv-fixture-cb-visa-pse-gpo-format1.json";
        using var trace = CardTestData.Load(file);
        var expect = trace.RootElement.GetProperty("expect");

        var byDefault = Tap.Read(Replay(file), null, out var card);
        Assert.That(byDefault.Outcome, Is.EqualTo(CardReadOutcome.NotSupported));
        // No 2PAY.SYS.DDF01, so every default AID is tried, then the UID, which the recording does not have.
        Assert.That(card.Steps(), Has.Count.EqualTo(1 + SupportedApplication.Defaults.Count + 1));

        var options = Tap.Options(applications: [new SupportedApplication("A0000000421010", "CB")]);
        var configured = Tap.Read(Replay(file), options, out card);
        AssertIdentity(configured, expect, psnRequired: false);
        // PPSE (6A82), SELECT CB, GPO in format 1, READ RECORD SFI 1 record 2 (57 holds PAN and expiry).
        Assert.That(card.Steps(), Is.EqualTo(new[] { "SELECT PPSE", "SELECT A0000000421010", "GPO", "READ RECORD 1/2" }));
    }

    [Test]
    public void Each_girocard_application_gives_the_identity_recorded_for_it()
    {
        const string file = "emv-girocard-de-voba-2021.json";
        using var trace = CardTestData.Load(file);
        Assert.Multiple(() =>
        {
            foreach (var expect in trace.RootElement.GetProperty("expect_per_application").EnumerateArray())
            {
                var aid = expect.GetProperty("aid").GetString()!;
                var options = Tap.Options(applications: [new SupportedApplication(aid, BrandByAid[aid])]);
                var result = Tap.Read(Replay(file), options);
                AssertIdentity(result, expect, psnRequired: false);
                Assert.That(result.Identity?.ApplicationLabel, Is.EqualTo(expect.GetProperty("label").GetString()));
            }
        });
    }

    [Test]
    public void Every_recorded_emv_trace_is_covered_here()
    {
        var covered = new[]
        {
            "emv-fixture-cb-visa-pse-gpo-format1.json", "emv-fixture-mastercard-magstripe-only.json", "emv-girocard-de-voba-2021.json",
            "emv-mastercard-debit-de-aab.json", "emv-visa-debit-de-comdirect.json",
        };
        Assert.That(CardTestData.TraceFiles(), Is.SubsetOf(covered), "a new trace in shared/testdata/cards needs a case in this class");
    }

    private static TraceReplayCard Replay(string file) => TraceReplayCard.Load(Path.Combine(CardTestData.Directory, file));

    private static void AssertIdentity(CardReadResult result, JsonElement expect, bool psnRequired)
    {
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        var id = result.Identity!;
        var aid = expect.GetProperty("aid").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(id.Aid, Is.EqualTo(aid));
            Assert.That(id.Brand, Is.EqualTo(BrandByAid[aid]));
            Assert.That(id.Last4, Is.EqualTo(expect.GetProperty("pan_last4").GetString()));
            Assert.That(id.Expiry, Is.EqualTo(expect.GetProperty("expiry").GetString()));
            Assert.That(id.Token, Is.EqualTo(Tap.PanToken(expect.GetProperty("pan").GetString()!)));
            if (expect.TryGetProperty("pan_seq", out var psn))
            {
                var expected = int.Parse(psn.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                if (psnRequired) Assert.That((int?)id.Psn, Is.EqualTo(expected));
                else Assert.That((int?)id.Psn, Is.Null.Or.EqualTo(expected));
            }
            else
            {
                Assert.That(id.Psn, Is.Null);
            }
        });
    }
}
