using System.Text.Json;
using Validator.Core.Cards;
using Validator.Simulation.Cards;
using Validator.Testing;

namespace Validator.Fuzz.Targets;

/// <summary>
/// The card seeds: every recorded trace in shared/testdata/cards and every virtual card profile. Registers each PAN
/// they carry with <see cref="PanGuard"/> so no report prints one.
/// </summary>
internal sealed class CardCorpus
{
    public CardCorpus()
    {
        foreach (var file in CardTestData.TraceFiles())
        {
            var path = Path.Combine(CardTestData.Directory, file);
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var exchanges = RecordedExchange.FromJson(document.RootElement.GetProperty("exchanges"));
            Cards.Add((file, () => new TraceReplayCard(exchanges)));
            Answers.AddRange(exchanges.Select(e => e.Response[..^2]).Where(r => r.Length > 0));
        }
        foreach (var name in CardProfiles.Names) Cards.Add((name, () => CardProfiles.Create(name)));
        Cards.Add(("girocard-first-refuses", () => CardProfiles.Girocard(firstApplicationRefuses: true)));
        foreach (var data in new[] { CardProfiles.DefaultMastercard, CardProfiles.DefaultMaestro, CardProfiles.DefaultVisa, CardProfiles.DefaultGirocard, CardProfiles.DefaultWallet })
        {
            PanGuard.AddKnown(data.Pan);
        }
        // Answers of the virtual profiles, by reading each once through a recorder.
        foreach (var (_, create) in Cards)
        {
            var recorder = new Recorder(create());
            new CardReader(Options(false, false)).Read(new IsoCardChannel(new SimulatedCardTransport(recorder)));
            Answers.AddRange(recorder.Answers.Where(a => a.Length > 0));
        }
        // Every PAN in the seeds (tag 5A, and the digits before the separator in track 2, tag 57).
        Span<byte> digits = stackalloc byte[Pan.MaxDigits];
        foreach (var answer in Answers)
        {
            if (TlvTree.TryFind(answer, 0x5A, out var pan) && Pan.TryDecode(pan, digits, out var length)) PanGuard.AddKnown(System.Text.Encoding.ASCII.GetString(digits[..length]));
            if (TlvTree.TryFind(answer, 0x57, out var track2))
            {
                var hex = Convert.ToHexString(track2);
                var separator = hex.IndexOf('D', StringComparison.Ordinal);
                if (separator >= 12) PanGuard.AddKnown(hex[..separator]);
            }
        }
    }

    /// <summary>Named builders of fresh card models.</summary>
    public List<(string Name, Func<ICardModel> Create)> Cards { get; } = [];

    /// <summary>Response data fields (status word removed) of every seed.</summary>
    public List<byte[]> Answers { get; } = [];

    public static readonly byte[] TokenKey = Enumerable.Range(1, 32).Select(i => (byte)(i * 11)).ToArray();

    public static CardReaderOptions Options(bool requireSequenceNumber, bool requestCryptogram) => new()
    {
        TokenKey = TokenKey,
        RequireSequenceNumber = requireSequenceNumber,
        RequestCryptogram = requestCryptogram,
    };

    private sealed class Recorder(ICardModel card) : ICardModel
    {
        public List<byte[]> Answers { get; } = [];

        public byte[] Atr => card.Atr;

        public void Reset() => card.Reset();

        public CardReply Process(ReadOnlySpan<byte> command)
        {
            var reply = card.Process(command);
            if (reply.Kind == CardReplyKind.Answer && reply.Bytes.Length >= 2) Answers.Add(reply.Bytes[..^2]);
            return reply;
        }
    }
}
