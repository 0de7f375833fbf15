using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Pcsc;
using Validator.Simulation.Cards;
using Validator.Simulation.Clock;
using Validator.Simulation.Gpio;
using Validator.Simulation.Vpcd;
using Validator.Storage.Journal;
using Validator.Storage.Lists;

// Usage: Validator.TapBench [taps=1000] [denyEntries=1000000] [apduDelayMs=0]
// The whole tap path as the daemon runs it, on real pcscd + vpcd: a virtual card is put on the reader, the monitor's
// card-present event starts the clock, the card is connected, read, decided against lists of the given size in the
// LiteDB store, journaled with fdatasync, and the clock stops at the first GPIO pin change of the feedback.
var taps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var denyCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var apduDelay = TimeSpan.FromMilliseconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0);

var missing = PcscdProcess.MissingPrerequisites();
if (missing is not null)
{
    Console.Error.WriteLine($"tap bench {missing}");
    return 2;
}
using var pcscd = PcscdProcess.IsAnyPcscdRunning() ? null : new PcscdProcess();
pcscd?.Start(TimeSpan.FromSeconds(15));

var root = Directory.CreateTempSubdirectory("validator-tapbench-");
try
{
    var time = TimeProvider.System;
    var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 11 + 5)).ToArray();
    var tokenizer = new CardTokenizer(key);
    var student = new CardholderData("5413330089600010", "2812", 1);

    Console.WriteLine($"preparing lists: {denyCount:N0} deny entries, 100,000 entitlements …");
    var prep = Stopwatch.StartNew();
    using var lists = StoredLists.Open(Path.Combine(root.FullName, "lists.db"), time);
    var random = new Random(20261128);
    lists.ApplyDenySnapshot(1, DenyEntries(random, denyCount), denyCount);
    var passes = Enumerable.Range(0, 100_000).Select(i => new Entitlement
    {
        Id = $"pass-{i}", Token = RandomToken(random), Product = "student",
        ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31),
    }).Append(new Entitlement
    {
        Id = "pass-student", Token = tokenizer.ForPan(student.Pan.AsSpan()), Product = "student",
        ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31),
    });
    lists.ApplyEntitlementSnapshot(1, passes);
    lists.ApplyPolicy(1, new FarePolicy { Products = [new Product("student", "Schülerticket")], RepeatTapWindow = TimeSpan.Zero });
    Console.WriteLine($"lists ready in {prep.Elapsed.TotalSeconds:F1} s");

    using var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(root.FullName, "journal") }, time);
    var driver = new SimulatedGpioDriver();
    var firstPin = 0L;
    driver.PinChanged += (_, _) => Interlocked.CompareExchange(ref firstPin, Stopwatch.GetTimestamp(), 0);
    using var feedback = GpioFeedback.Open(new FeedbackOptions(), driver, new SimulatedPwmChannel());
    var fares = new FareService(lists.Live, new ClockTrustMonitor(time, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());
    var processor = new TapProcessor(new CardReader(new CardReaderOptions { TokenKey = key }), fares, journal, feedback, "bench-bus", new TapLocation("110"), time);

    using var monitor = new ReaderMonitor();
    using var connector = new PcscCardConnector();
    using var inserted = new BlockingCollection<CardEventArgs>();
    using var removed = new BlockingCollection<CardEventArgs>();
    const string Reader = "Virtual PCD 00 00";
    monitor.CardInserted += (_, e) => { if (e.ReaderName == Reader) inserted.Add(e); };
    monitor.CardRemoved += (_, e) => { if (e.ReaderName == Reader) removed.Add(e); };
    monitor.Start();

    var total = new List<double>();
    var raw = new List<double>();
    var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
    var apdus = 0;
    var options = new VpcdOptions { ApduDelay = apduDelay };
    for (var i = 0; i < taps + 20; i++)
    {
        // Alternate the tap path and the floor: the same virtual card, the same APDUs sent raw by a minimal client.
        var recorder = new RecordingCard(CardProfiles.Mastercard(student));
        using (var card = new VpcdCard(recorder, options))
        {
            card.Insert();
            var present = inserted.Take();
            Interlocked.Exchange(ref firstPin, 0);
            if (!connector.TryConnect(present.ReaderName, present.Atr, out var connected, out var fault, out var detail)) throw new InvalidOperationException($"{fault} {detail}");
            TapResult result;
            using (connected) result = processor.Process(new IsoCardChannel(connected!), Stopwatch.GetElapsedTime(present.Timestamp));
            var pin = Interlocked.Read(ref firstPin);
            if (i >= 20)
            {
                total.Add(Stopwatch.GetElapsedTime(present.Timestamp, pin).TotalMilliseconds);
                reasons[result.Decision.Reason] = reasons.GetValueOrDefault(result.Decision.Reason) + 1;
                apdus = result.Read.ApduCount;
            }
            card.Remove();
            removed.Take();
        }

        using (var card = new VpcdCard(new ReplayCard(recorder), options))
        {
            card.Insert();
            var present = inserted.Take();
            if (!connector.TryConnect(present.ReaderName, present.Atr, out var connected, out _, out _)) throw new InvalidOperationException("raw connect failed");
            using (connected)
            {
                var buffer = new byte[264];
                foreach (var command in recorder.Commands) connected!.Exchange(command, buffer);
            }
            if (i >= 20) raw.Add(Stopwatch.GetElapsedTime(present.Timestamp).TotalMilliseconds);
            card.Remove();
            removed.Take();
        }
    }
    monitor.Stop();

    Console.WriteLine();
    Console.WriteLine($"tap path through pcscd + vpcd, Mastercard profile ({apdus} APDUs), {denyCount:N0} deny entries, 100,000 entitlements, {taps} taps, APDU delay {apduDelay.TotalMilliseconds} ms");
    Console.WriteLine($"decisions: {string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}"))}");
    Console.WriteLine(Row("card present -> first pin change", total));
    Console.WriteLine(Row("floor: same APDUs raw (connect + exchange)", raw));
    var overhead = total.Zip(raw, (a, b) => a - b).ToList();
    Console.WriteLine(Row("validator overhead (paired difference)", overhead));
    return 0;
}
finally
{
    root.Delete(recursive: true);
}

static string Row(string what, List<double> values)
{
    var sorted = values.Order().ToList();
    double P(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"| {what} | {P(0.5):F2} ms | {P(0.95):F2} ms | {P(0.99):F2} ms | {sorted[^1]:F2} ms |");
}

static IEnumerable<DenyEntry> DenyEntries(Random random, int count)
{
    var at = DateTimeOffset.UtcNow;
    for (var i = 0; i < count; i++) yield return new DenyEntry { Token = RandomToken(random), Reason = DenyReason.Stolen, AddedAt = at };
}

static CardToken RandomToken(Random random) => new((ulong)random.NextInt64(), (ulong)random.NextInt64());

/// <summary>Keeps the commands the tap path sent, so the floor measurement sends exactly the same ones.</summary>
sealed class RecordingCard(ICardModel card) : ICardModel
{
    public List<byte[]> Commands { get; } = [];

    public byte[] Atr => card.Atr;

    public void Reset() => card.Reset();

    public CardReply Process(ReadOnlySpan<byte> command)
    {
        Commands.Add(command.ToArray());
        return card.Process(command);
    }
}

/// <summary>Answers the recorded commands with a fresh copy of the same card.</summary>
sealed class ReplayCard(RecordingCard recorded) : ICardModel
{
    private readonly EmvCard _card = CardProfiles.Mastercard(new CardholderData("5413330089600010", "2812", 1));

    public byte[] Atr => recorded.Atr;

    public void Reset() => _card.Reset();

    public CardReply Process(ReadOnlySpan<byte> command) => _card.Process(command);
}
