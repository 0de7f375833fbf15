using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards;

/// <summary>No text a read produces (results, identities, details) holds the PAN or a long run of its digits.</summary>
public class PanPrivacyTests
{
    private static IEnumerable<TestCaseData> Reads()
    {
        var mc = new CardholderData("5413330089600010", "2611", 3);
        var visa = new CardholderData("4761739001010119", "2412", 1);
        var giro = new CardholderData("6725123456789012345", "2712", 2);
        yield return new TestCaseData(mc.Pan, (Func<ICardModel>)(() => CardProfiles.Mastercard(mc))).SetName("A_mastercard_read_shows_no_pan");
        yield return new TestCaseData(visa.Pan, (Func<ICardModel>)(() => CardProfiles.Visa(visa))).SetName("A_visa_read_shows_no_pan");
        yield return new TestCaseData(giro.Pan, (Func<ICardModel>)(() => CardProfiles.Girocard(giro))).SetName("A_girocard_read_shows_no_pan");
        yield return new TestCaseData(mc.Pan, (Func<ICardModel>)(() => CardProfiles.Mastercard(mc, hasPpse: false))).SetName("A_list_of_aids_read_shows_no_pan");
    }

    [TestCaseSource(nameof(Reads))]
    public void No_output_of_a_read_contains_the_pan(string pan, Func<ICardModel> build)
    {
        var texts = new List<string>();
        foreach (var options in new[] { Tap.Options(), Tap.Options(requireSequenceNumber: true), Tap.Options(requestCryptogram: true) })
        {
            var full = Tap.Read(build(), options);
            texts.Add(full.ToString());
            texts.Add(full.Identity?.ToString() ?? "");
            texts.Add(full.Identity?.Cryptogram?.ToString() ?? "");
            for (var answered = 0; answered < full.ApduCount; answered++)
            {
                var cut = Tap.Read(CardProfiles.RemovedAfter(build(), answered), options);
                texts.Add(cut.ToString());
            }
        }
        texts.Add(Tap.Read(build(), Tap.Options(applications: [new SupportedApplication("A0000000250108", "Amex")])).ToString());

        Assert.Multiple(() =>
        {
            foreach (var text in texts)
            {
                Assert.That(text, Does.Not.Contain(pan));
                // No run of 8 or more of the PAN's digits either (first 6 + last 4 is the most PCI DSS allows shown).
                for (var start = 0; start + 8 <= pan.Length; start++) Assert.That(text, Does.Not.Contain(pan.Substring(start, 8)));
            }
        });
    }

    [Test]
    public void Every_response_the_reader_received_is_zeroed_after_the_read()
    {
        var data = new CardholderData("5413330089600010", "2611", 3);
        var channel = new KeepingChannel(CardProfiles.Mastercard(data));
        var result = new CardReader(Tap.Options(requireSequenceNumber: true)).Read(channel);
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified));
        Assert.That(channel.Responses.Sum(r => r.Data.Length), Is.GreaterThan(100));
        Assert.That(channel.Responses.SelectMany(r => r.Data), Is.All.EqualTo(0));
    }

    /// <summary>A channel that keeps the response objects it hands out, to check the reader zeroed them.</summary>
    private sealed class KeepingChannel(ICardModel card) : ICardChannel
    {
        private readonly IsoCardChannel _inner = new(new SimulatedCardTransport(card));

        public List<ApduResponse> Responses { get; } = [];

        public ReadOnlyMemory<byte> Atr => _inner.Atr;

        public int ApduCount => _inner.ApduCount;

        public ApduResult Transmit(ReadOnlySpan<byte> command)
        {
            var result = _inner.Transmit(command);
            if (result.TryGetResponse(out var response)) Responses.Add(response);
            return result;
        }
    }
}
