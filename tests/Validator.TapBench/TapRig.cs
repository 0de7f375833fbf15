using System.Collections.Concurrent;
using System.Diagnostics;
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

namespace Validator.TapBench;

/// <summary>One tap through the validator: card present → first pin change, what was decided, what it allocated.</summary>
internal readonly record struct TapOutcome(double Milliseconds, TapResult Result, long AllocatedBytes);

/// <summary>
/// The validator's tap path as the daemon wires it (reader monitor → arrival queue → connect → read → decide → journal
/// with fdatasync → feedback), over lists of a given size in a real LiteDB store, on the vpcd reader of pcscd.
/// </summary>
internal sealed class TapRig : IDisposable
{
    private const string Reader = "Virtual PCD 00 00";

    private readonly DirectoryInfo _root;
    private readonly StoredLists _lists;
    private readonly TapJournal _journal;
    private readonly GpioFeedback _feedback;
    private readonly TapProcessor _processor;
    private readonly ReaderMonitor _monitor = new();
    private readonly PcscCardConnector _connector = new();
    private readonly BlockingCollection<CardEventArgs> _inserted = [];
    private readonly BlockingCollection<CardEventArgs> _removed = [];
    private long _firstPin;

    private TapRig(DirectoryInfo root, StoredLists lists, TapJournal journal, GpioFeedback feedback, TapProcessor processor, SimulatedGpioDriver driver)
    {
        _root = root;
        _lists = lists;
        _journal = journal;
        _feedback = feedback;
        _processor = processor;
        driver.PinChanged += (_, _) => Interlocked.CompareExchange(ref _firstPin, Stopwatch.GetTimestamp(), 0);
        _monitor.CardInserted += (_, e) => { if (e.ReaderName == Reader) _inserted.Add(e); };
        _monitor.CardRemoved += (_, e) => { if (e.ReaderName == Reader) _removed.Add(e); };
    }

    /// <summary>Starts watching the reader (pcscd must be there: after the machine lock and <see cref="PcscdProcess.TryAcquire"/>).</summary>
    public void Start() => _monitor.Start();

    /// <summary>Builds the lists (<paramref name="denyCount"/> deny entries, 100,000 entitlements) and the tap path.</summary>
    public static TapRig Create(int denyCount)
    {
        var root = Directory.CreateTempSubdirectory("validator-tapbench-");
        var time = TimeProvider.System;
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 11 + 5)).ToArray();
        var tokenizer = new CardTokenizer(key);

        Console.WriteLine($"preparing lists: {denyCount:N0} deny entries, 100,000 entitlements …");
        var prep = Stopwatch.StartNew();
        var lists = StoredLists.Open(Path.Combine(root.FullName, "lists.db"), time);
        var random = new Random(20261128);
        lists.ApplyDenySnapshot(1, DenyEntries(random, denyCount), denyCount);
        var passes = Enumerable.Range(0, 100_000).Select(i => new Entitlement
        {
            Id = $"pass-{i}", Token = RandomToken(random), Product = "student",
            ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31),
        }).Append(new Entitlement
        {
            Id = "pass-student", Token = tokenizer.ForPan(BenchCards.Student.Pan.AsSpan()), Product = "student",
            ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31),
        });
        lists.ApplyEntitlementSnapshot(1, passes);
        lists.ApplyPolicy(1, new FarePolicy { Products = [new Product("student", "Schülerticket")], RepeatTapWindow = TimeSpan.Zero });
        Console.WriteLine($"lists ready in {prep.Elapsed.TotalSeconds:F1} s");

        var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(root.FullName, "journal") }, time);
        var driver = new SimulatedGpioDriver();
        var feedback = GpioFeedback.Open(new FeedbackOptions(), driver, new SimulatedPwmChannel());
        var fares = new FareService(lists.Live, new ClockTrustMonitor(time, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());
        var processor = new TapProcessor(new CardReader(new CardReaderOptions { TokenKey = key }), fares, journal, feedback, "bench-bus", new TapLocation("110"), time);
        return new TapRig(root, lists, journal, feedback, processor, driver);
    }

    /// <summary>Taps <paramref name="card"/> on the reader and serves it as the daemon does.</summary>
    public TapOutcome Tap(ICardModel card, VpcdOptions options)
    {
        using var vpcd = new VpcdCard(card, options);
        vpcd.Insert();
        var present = Next(_inserted, "card-present");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        Interlocked.Exchange(ref _firstPin, 0);
        if (!_connector.TryConnect(present.ReaderName, present.Atr, out var connected, out var fault, out var detail)) throw new InvalidOperationException($"{fault} {detail}");
        TapResult result;
        using (connected) result = _processor.Process(new IsoCardChannel(connected!), Stopwatch.GetElapsedTime(present.Timestamp));
        var pin = Interlocked.Read(ref _firstPin);
        if (pin == 0) throw new InvalidOperationException("the tap changed no feedback pin");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        vpcd.Remove();
        Next(_removed, "card-removed");
        return new TapOutcome(Stopwatch.GetElapsedTime(present.Timestamp, pin).TotalMilliseconds, result, allocated);
    }

    /// <summary>The floor: <paramref name="commands"/> sent raw (connect + exchange, no validator logic) to <paramref name="card"/>.</summary>
    public double Raw(ICardModel card, IReadOnlyList<byte[]> commands, VpcdOptions options)
    {
        using var vpcd = new VpcdCard(card, options);
        vpcd.Insert();
        var present = Next(_inserted, "card-present");
        if (!_connector.TryConnect(present.ReaderName, present.Atr, out var connected, out var fault, out var detail)) throw new InvalidOperationException($"raw connect failed: {fault} {detail}");
        using (connected)
        {
            var buffer = new byte[264];
            foreach (var command in commands) connected!.Exchange(command, buffer);
        }
        var elapsed = Stopwatch.GetElapsedTime(present.Timestamp).TotalMilliseconds;
        vpcd.Remove();
        Next(_removed, "card-removed");
        return elapsed;
    }

    public void Dispose()
    {
        _monitor.Stop();
        _monitor.Dispose();
        _connector.Dispose();
        _inserted.Dispose();
        _removed.Dispose();
        _feedback.Dispose();
        _journal.Dispose();
        _lists.Dispose();
        _root.Delete(recursive: true);
    }

    private static CardEventArgs Next(BlockingCollection<CardEventArgs> events, string what) =>
        events.TryTake(out var e, TimeSpan.FromSeconds(15)) ? e : throw new TimeoutException($"no {what} event from the reader monitor within 15 s (is pcscd's vpcd reader healthy?)");

    private static IEnumerable<DenyEntry> DenyEntries(Random random, int count)
    {
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++) yield return new DenyEntry { Token = RandomToken(random), Reason = DenyReason.Stolen, AddedAt = at };
    }

    private static CardToken RandomToken(Random random) => new((ulong)random.NextInt64(), (ulong)random.NextInt64());
}
