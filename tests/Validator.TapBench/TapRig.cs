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
using Validator.Simulation.Clock;
using Validator.Simulation.Gpio;
using Validator.Storage.Journal;
using Validator.Storage.Lists;
using Validator.BenchKit;

namespace Validator.TapBench;

/// <summary>
/// One tap through the validator: card present → first pin change, how much of it was spent inside the tap's own PC/SC
/// calls (SCardConnect and each SCardTransmit, i.e. pcscd and the card), what was decided, what it allocated.
/// </summary>
internal readonly record struct TapOutcome(double Milliseconds, double PcscMilliseconds, TapResult Result, long AllocatedBytes);

/// <summary>A card transport that adds up the time spent in its exchanges (the PC/SC calls), nothing else.</summary>
internal sealed class TimedTransport(ICardTransport inner) : ICardTransport
{
    public long Ticks { get; private set; }

    public ReadOnlyMemory<byte> Atr => inner.Atr;

    public TransportResult Exchange(ReadOnlySpan<byte> command, Span<byte> response)
    {
        var start = Stopwatch.GetTimestamp();
        var result = inner.Exchange(command, response);
        Ticks += Stopwatch.GetTimestamp() - start;
        return result;
    }
}

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
    private int _tapThread;

    private TapRig(DirectoryInfo root, StoredLists lists, TapJournal journal, GpioFeedback feedback, TapProcessor processor, SimulatedGpioDriver driver)
    {
        _root = root;
        _lists = lists;
        _journal = journal;
        _feedback = feedback;
        _processor = processor;
        // Only the tap thread's pin writes count: the first frame of a pattern is written by Show on the caller's thread,
        // the later frames of the pattern before it come from the player's timer and must not stop the clock.
        driver.PinChanged += (_, _) =>
        {
            if (Environment.CurrentManagedThreadId == Volatile.Read(ref _tapThread)) Interlocked.CompareExchange(ref _firstPin, Stopwatch.GetTimestamp(), 0);
        };
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

    /// <summary>How long pcscd took to report insertions and removals (its presence polling), in milliseconds.</summary>
    public Latencies Detection { get; } = new();

    /// <summary>
    /// Taps <paramref name="card"/> on the reader and serves it as the daemon does; then, with the card still on the
    /// reader, the floor: the APDUs the tap sent, sent again raw (connect + exchange, no validator logic).
    /// </summary>
    public (TapOutcome Tap, double FloorMs) TapWithFloor(CardHost card)
    {
        var inserted = Stopwatch.GetTimestamp();
        card.Insert(record: true);
        var present = Next(_inserted, "card-present");
        Detection.Add(Stopwatch.GetElapsedTime(inserted, present.Timestamp).TotalMilliseconds);
        var tap = Serve(present.ReaderName, present.Atr, present.Timestamp);
        var floor = Raw(present.ReaderName, present.Atr, card.Commands());
        var removing = Stopwatch.GetTimestamp();
        card.Remove();
        var removed = Next(_removed, "card-removed");
        Detection.Add(Stopwatch.GetElapsedTime(removing, removed.Timestamp).TotalMilliseconds);
        return (tap, floor);
    }

    /// <summary>Puts <paramref name="card"/> on the reader for <paramref name="use"/>, then takes it off.</summary>
    public void WithCardOnReader(CardHost card, Action<CardEventArgs> use)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(use);
        card.Insert(record: false);
        var present = Next(_inserted, "card-present");
        use(present);
        card.Remove();
        Next(_removed, "card-removed");
    }

    /// <summary>Serves a card on the reader as the daemon does, timed from <paramref name="since"/> (a Stopwatch timestamp).</summary>
    public TapOutcome Serve(string reader, byte[] atr, long since)
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        Volatile.Write(ref _tapThread, Environment.CurrentManagedThreadId);
        Interlocked.Exchange(ref _firstPin, 0);
        var connecting = Stopwatch.GetTimestamp();
        if (!_connector.TryConnect(reader, atr, out var connected, out var fault, out var detail)) throw new InvalidOperationException($"{fault} {detail}");
        var connectTicks = Stopwatch.GetTimestamp() - connecting;
        TapResult result;
        var timed = new TimedTransport(connected!);
        using (connected) result = _processor.Process(new IsoCardChannel(timed), Stopwatch.GetElapsedTime(since));
        var pin = Interlocked.Read(ref _firstPin);
        if (pin == 0) throw new InvalidOperationException("the tap changed no feedback pin");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Volatile.Write(ref _tapThread, 0);
        // The next tap may show the same pattern, whose first frame would change no pin while this one still shows: put up
        // amber (tap again) in between, outside the clock; the bench's cards are always read, so never amber themselves.
        _feedback.Show(result.Signal == Validator.Core.Feedback.TapSignal.TapAgain ? Validator.Core.Feedback.TapSignal.Accepted : Validator.Core.Feedback.TapSignal.TapAgain);
        var pcsc = TimeSpan.FromTicks((connectTicks + timed.Ticks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        return new TapOutcome(Stopwatch.GetElapsedTime(since, pin).TotalMilliseconds, pcsc.TotalMilliseconds, result, allocated);
    }

    /// <summary>The floor: <paramref name="commands"/> sent raw (connect + exchange, no validator logic), in milliseconds.</summary>
    private double Raw(string reader, byte[] atr, IReadOnlyList<byte[]> commands)
    {
        var buffer = new byte[264];
        var start = Stopwatch.GetTimestamp();
        if (!_connector.TryConnect(reader, atr, out var connected, out var fault, out var detail)) throw new InvalidOperationException($"raw connect failed: {fault} {detail}");
        using (connected)
        {
            foreach (var command in commands) connected!.Exchange(command, buffer);
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
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
