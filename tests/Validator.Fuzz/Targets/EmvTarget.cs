using System.Text.RegularExpressions;
using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Fuzz.Targets;

/// <summary>
/// The whole card read (ISO channel with 61xx/6Cxx handling, application selection, GPO, records, optional GENERATE AC)
/// against recorded traces and virtual profiles whose answers are mutated, swapped for another card's answer, given odd
/// status words, or cut off. Oracle: a result value, never an exception; a bounded APDU count; an identity only with a
/// 4-digit last4 and a valid expiry; a reason and a detail when there is no identity; no card number in any text.
/// </summary>
internal sealed partial class EmvTarget : FuzzTarget
{
    private CardCorpus _corpus = null!;
    private readonly Outcomes _outcomes = new();

    public override string Name => "emv";

    public override TimeSpan InputTimeLimit => TimeSpan.FromSeconds(5);

    [GeneratedRegex("^[0-9]{2}(0[1-9]|1[0-2])$")]
    private static partial Regex Expiry();

    public override void Setup() => _corpus = new CardCorpus();

    public override void Run(Random random, FuzzInput input)
    {
        var (name, create) = _corpus.Cards[random.Next(_corpus.Cards.Count)];
        input.Steps.Add(name);
        var card = new MutatingCard(create(), _corpus, random, input);
        var options = CardCorpus.Options(random.Next(2) == 0, random.Next(4) == 0);
        var channel = new IsoCardChannel(new SimulatedCardTransport(card));
        var result = new CardReader(options).Read(channel);
        input.Bytes = card.LastMutated;
        _outcomes.Add(result.Outcome + "/" + result.Reason);

        if (result.ApduCount > 100) throw new OracleFailure($"{result.ApduCount} APDUs for one read");
        if (result.ApduCount != channel.ApduCount) throw new OracleFailure("the result's APDU count differs from the channel's");
        if ((result.Identity is null) != (result.Outcome != CardReadOutcome.Identified)) throw new OracleFailure($"identity {(result.Identity is null ? "missing" : "present")} with outcome {result.Outcome}");
        if (result.Outcome == CardReadOutcome.Identified)
        {
            var identity = result.Identity!;
            if (identity.Kind == CardKind.Emv)
            {
                if (identity.Last4 is null || identity.Last4.Length != 4 || !identity.Last4.All(char.IsAsciiDigit)) throw new OracleFailure("an EMV identity without 4 last digits");
                if (identity.Expiry is not null && !Expiry().IsMatch(identity.Expiry)) throw new OracleFailure("an EMV identity with an expiry that is not YYMM");
                if (identity.Aid is null) throw new OracleFailure("an EMV identity without an AID");
            }
            if (result.Reason != CardReadReason.None) throw new OracleFailure("an identity with a reason");
        }
        else if (result.Reason == CardReadReason.None || string.IsNullOrEmpty(result.Detail))
        {
            throw new OracleFailure($"outcome {result.Outcome} without a reason or detail");
        }
        foreach (var text in new[] { result.Detail, result.ToString(), result.Identity?.ToString(), result.Identity?.ApplicationLabel, result.Identity?.Par })
        {
            if (PanGuard.TextHasPan(text)) throw new OracleFailure($"a card number in the read result ({result.Outcome}/{result.Reason})");
        }
    }

    public override string Stats() => _outcomes.ToString();

    /// <summary>Answers like the card it wraps, but each answer may be mutated, replaced, given another status word, or cut off.</summary>
    private sealed class MutatingCard(ICardModel card, CardCorpus corpus, Random random, FuzzInput input) : ICardModel
    {
        private readonly int _rate = 1 + random.Next(6);
        private int _count;

        public byte[]? LastMutated { get; private set; }

        public byte[] Atr => card.Atr;

        public void Reset() => card.Reset();

        public CardReply Process(ReadOnlySpan<byte> command)
        {
            var reply = card.Process(command);
            var n = _count++;
            if (reply.Kind != CardReplyKind.Answer || reply.Bytes.Length < 2 || random.Next(_rate) != 0) return reply;
            var data = reply.Bytes[..^2];
            byte sw1 = reply.Bytes[^2], sw2 = reply.Bytes[^1];
            switch (random.Next(10))
            {
                case 0:
                    data = corpus.Answers[random.Next(corpus.Answers.Count)];
                    input.Steps.Add($"answer {n} swapped for another seed");
                    break;
                case 1:
                    (sw1, sw2) = random.Next(5) switch
                    {
                        0 => ((byte)0x61, (byte)random.Next(256)),
                        1 => ((byte)0x6C, (byte)random.Next(256)),
                        2 => ((byte)0x62, (byte)0x83),
                        3 => ((byte)0x90, (byte)random.Next(256)),
                        _ => ((byte)random.Next(256), (byte)random.Next(256)),
                    };
                    input.Steps.Add($"answer {n} status {sw1:X2}{sw2:X2}");
                    break;
                case 2:
                    input.Steps.Add($"card removed at answer {n}");
                    return random.Next(2) == 0 ? CardReply.Removed : CardReply.Answer([sw1]);
                default:
                    input.Steps.Add($"answer {n}:");
                    data = Mutator.MutateBinary(data, corpus.Answers, random, input);
                    break;
            }
            if (data.Length > 254) data = data[..254];
            LastMutated = data;
            return CardReply.Answer([.. data, sw1, sw2]);
        }
    }
}
