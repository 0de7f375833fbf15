using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards;

/// <summary>
/// Property tests: random bytes and random mutations of real responses never throw, never hang and always end in a
/// result value. Each loop uses a fixed seed, printed in every failure message, so a failure can be replayed.
/// </summary>
public class RobustnessTests
{
    private const int Seed = 20261128;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    [Test]
    public void Random_bytes_never_break_the_tlv_and_dol_parsers()
    {
        RunBounded(() =>
        {
            var random = new Random(Seed);
            var buffer = new byte[300];
            for (var i = 0; i < 50_000; i++)
            {
                var length = random.Next(0, buffer.Length);
                random.NextBytes(buffer);
                var data = buffer.AsSpan(0, length);
                try
                {
                    Parse(data);
                }
                catch (Exception e)
                {
                    Assert.Fail($"seed {Seed}, iteration {i}, input {Hex.Format(data)}: {e}");
                }
            }
        });
    }

    [Test]
    public void Random_prefixes_of_real_responses_with_random_lengths_never_break_the_parsers()
    {
        var responses = RecordedResponses();
        RunBounded(() =>
        {
            var random = new Random(Seed);
            for (var i = 0; i < 50_000; i++)
            {
                var data = Mutate(responses[random.Next(responses.Count)], random);
                try
                {
                    Parse(data);
                }
                catch (Exception e)
                {
                    Assert.Fail($"seed {Seed}, iteration {i}: {e}");
                }
            }
        });
    }

    [Test]
    public void A_read_of_a_real_or_virtual_card_with_one_mutated_answer_always_gives_a_result_value()
    {
        var builders = new List<Func<ICardModel>>();
        foreach (var file in CardTestData.TraceFiles())
        {
            var path = Path.Combine(CardTestData.Directory, file);
            builders.Add(() => TraceReplayCard.Load(path));
        }
        foreach (var name in CardProfiles.Names) builders.Add(() => CardProfiles.Create(name));
        builders.Add(() => CardProfiles.Girocard(firstApplicationRefuses: true));

        RunBounded(() =>
        {
            var random = new Random(Seed);
            var outcomes = new Dictionary<CardReadOutcome, int>();
            for (var i = 0; i < 4_000; i++)
            {
                var card = new MutatingCard(builders[random.Next(builders.Count)](), random.Next(0, 8), random);
                var options = Tap.Options(requireSequenceNumber: random.Next(2) == 0, requestCryptogram: random.Next(4) == 0);
                CardReadResult result;
                try
                {
                    result = Tap.Read(card, options);
                }
                catch (Exception e)
                {
                    Assert.Fail($"seed {Seed}, iteration {i}: {e}");
                    return;
                }
                outcomes[result.Outcome] = outcomes.GetValueOrDefault(result.Outcome) + 1;
                Assert.That(result.ApduCount, Is.LessThan(100), $"seed {Seed}, iteration {i}");
                Assert.That(result.Identity is null, Is.EqualTo(result.Outcome != CardReadOutcome.Identified), $"seed {Seed}, iteration {i}");
                if (result.Outcome == CardReadOutcome.Identified && result.Identity!.Kind == CardKind.Emv)
                {
                    Assert.That(result.Identity.Last4, Does.Match("^[0-9]{4}$"), $"seed {Seed}, iteration {i}");
                    Assert.That(result.Identity.Expiry, Is.Null.Or.Match("^[0-9]{2}(0[1-9]|1[0-2])$"), $"seed {Seed}, iteration {i}");
                }
                else if (result.Outcome != CardReadOutcome.Identified)
                {
                    Assert.That(result.Reason, Is.Not.EqualTo(CardReadReason.None), $"seed {Seed}, iteration {i}");
                    Assert.That(result.Detail, Is.Not.Null.And.Not.Empty, $"seed {Seed}, iteration {i}");
                }
            }
            // The mutations must reach past the first answer often enough to matter.
            Assert.That(outcomes.Keys, Is.SupersetOf(new[] { CardReadOutcome.Identified, CardReadOutcome.ReadFailed }), $"seed {Seed}");
        });
    }

    private static void Parse(ReadOnlySpan<byte> data)
    {
        TlvTree.Validate(data);
        _ = TlvTree.TryFind(data, 0x5A, out _);
        TlvTree.ReadTemplate(data, out _);
        var reader = new TlvReader(data);
        var count = 0;
        while (reader.TryRead(out _)) Assert.That(++count, Is.LessThanOrEqualTo(data.Length));
        DolBuilder.TryBuild(data, new TerminalData(), out _);
        _ = Afl.TryParse(data, out _);
        _ = Track2.TryParse(data, new byte[Pan.MaxDigits], out _, new byte[4]);
        _ = Pan.TryDecode(data, new byte[Pan.MaxDigits], out _);
        ApplicationDirectory.TryParsePpse(data, SupportedApplication.Defaults, out _);
        using var application = new ApplicationData();
        application.Absorb(data);
        EmvRead.ReadProcessingOptions(data, application, out _);
    }

    private static List<byte[]> RecordedResponses()
    {
        var list = new List<byte[]>();
        foreach (var file in CardTestData.TraceFiles())
        {
            using var doc = CardTestData.Load(file);
            list.AddRange(RecordedExchange.FromJson(doc.RootElement.GetProperty("exchanges")).Select(e => e.Response[..^2]).Where(r => r.Length > 0));
        }
        return list;
    }

    /// <summary>One of: flip a bit, change a byte, cut the end, insert a byte, drop a byte, or set a length-like byte high.</summary>
    internal static byte[] Mutate(byte[] original, Random random)
    {
        if (original.Length == 0) return [(byte)random.Next(256)];
        var data = original.ToList();
        var at = random.Next(data.Count);
        switch (random.Next(6))
        {
            case 0: data[at] ^= (byte)(1 << random.Next(8)); break;
            case 1: data[at] = (byte)random.Next(256); break;
            case 2: data.RemoveRange(at, data.Count - at); break;
            case 3: data.Insert(at, (byte)random.Next(256)); break;
            case 4: data.RemoveAt(at); break;
            default: data[at] = (byte)(0x80 | random.Next(0x80)); break;
        }
        return [.. data];
    }

    private static void RunBounded(Action body)
    {
        var task = Task.Run(body);
        Assert.That(task.Wait(Budget), Is.True, $"seed {Seed}: the loop did not finish within {Budget} (a hang)");
    }

    /// <summary>Answers like the card it wraps, except answer number <c>target</c>, whose data is mutated (status word kept).</summary>
    private sealed class MutatingCard(ICardModel card, int target, Random random) : ICardModel
    {
        private int _count;

        public byte[] Atr => card.Atr;

        public void Reset()
        {
            _count = 0;
            card.Reset();
        }

        public CardReply Process(ReadOnlySpan<byte> command)
        {
            var reply = card.Process(command);
            if (_count++ != target || reply.Kind != CardReplyKind.Answer || reply.Bytes.Length < 2) return reply;
            var data = Mutate(reply.Bytes[..^2], random);
            if (data.Length > 254) data = data[..254];
            return CardReply.Answer([.. data, reply.Bytes[^2], reply.Bytes[^1]]);
        }
    }
}
