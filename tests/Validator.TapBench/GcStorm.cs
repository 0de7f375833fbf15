using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Validator.BenchKit;

namespace Validator.TapBench;

/// <summary>Taps back to back through the tap path for a while, and every GC pause meanwhile.</summary>
internal static class GcStorm
{
    private const double TargetMs = 5;

    /// <summary>Runs the storm and reports it; returns how many taps it served (warm-up included).</summary>
    public static long Run(TapRig rig, IReadOnlyList<string> profiles, TimeSpan duration, int denyCount, BenchReport report)
    {
        // Every card's host is started and warmed before the clock: a process start and its JIT are not the storm's.
        var cards = new List<CardHost>();
        try
        {
            foreach (var profile in profiles) cards.Add(CardHost.Start(profile, TimeSpan.Zero));
            foreach (var card in cards)
            {
                rig.WithCardOnReader(card, present =>
                {
                    for (var i = 0; i < 200; i++) rig.Serve(present.ReaderName, present.Atr, Stopwatch.GetTimestamp()); // warm-up: JIT, caches
                });
            }
            return 200L * cards.Count + Storm(rig, cards, profiles, duration, denyCount, report);
        }
        finally
        {
            foreach (var card in cards) card.Dispose();
        }
    }

    private static long Storm(TapRig rig, List<CardHost> cards, IReadOnlyList<string> profiles, TimeSpan duration, int denyCount, BenchReport report)
    {
        var taps = new Latencies();
        var allocated = 0L;
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var pauseBefore = GC.GetTotalPauseDuration();
        var heapBefore = GC.GetGCMemoryInfo().HeapSizeBytes;
        Console.WriteLine($"tap storm for {duration.TotalMinutes:F1} min …");
        var clock = Stopwatch.StartNew();
        var stealBefore = Steal.Milliseconds();
        // The taps, and so nearly every collection (workstation GC runs on the thread that allocates), are on this thread.
        var tapThread = GetTid();
        var waitedBefore = RunQueueWaitMs(tapThread);
        using (var pauses = new GcPauseListener())
        using (var machine = MachineStallMeter.Start(tapThread))
        {
            var next = TimeSpan.FromMinutes(1);
            // pcscd polls vpcd for presence (a few hundred ms per insertion), so a storm of real insertions would be one tap
            // a second. Each profile's card stays on the reader instead and is served again and again: connect, read,
            // decide, journal, feedback, disconnect, all as the daemon does, back to back; timed from the connect.
            var slice = duration / profiles.Count;
            for (var slot = 0; slot < profiles.Count; slot++)
            {
                var until = slice * (slot + 1);
                rig.WithCardOnReader(cards[slot], present =>
                {
                    while (clock.Elapsed < until)
                    {
                        var tap = rig.Serve(present.ReaderName, present.Atr, Stopwatch.GetTimestamp());
                        taps.Add(tap.Milliseconds);
                        allocated += tap.AllocatedBytes;
                        if (clock.Elapsed > next)
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalMinutes:F0} min: {taps.Count:N0} taps, {pauses.Pauses.Count} GC pauses"));
                            next += TimeSpan.FromMinutes(1);
                        }
                    }
                });
            }
            var elapsed = clock.Elapsed;
            var stormEnd = DateTime.UtcNow;
            var heapAfter = GC.GetGCMemoryInfo().HeapSizeBytes;
            // Gen 0's size when its last collection began: the budget the runtime gave it, which it sizes from the
            // CPU's last-level cache, so the gen-0 pauses of two hosts are compared with it.
            var gen0Budget = GC.GetGCMemoryInfo(GCKind.Ephemeral).GenerationInfo[0].SizeBeforeBytes;
            var pauseTotal = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
            pauses.Flush();
            // Only the storm's own pauses: the bench's work after it (stopping the meters, reading their output) is not
            // the validator's, and the meters no longer watch it.
            var inStorm = pauses.List.Where(x => x.Begin < stormEnd).ToList();
            var p = new Latencies();
            foreach (var x in inStorm) p.Add(x.Milliseconds);
            var collections = string.Create(CultureInfo.InvariantCulture,
                $"{GC.CollectionCount(0) - gen0} / {GC.CollectionCount(1) - gen1} / {GC.CollectionCount(2) - gen2}");
            report.Table(
                string.Create(CultureInfo.InvariantCulture,
                    $"GC during a tap storm: {elapsed.TotalMinutes:F1} min of taps back to back through pcscd + vpcd (the virtual card in a process of its own; {string.Join(", ", profiles.Select(BenchCards.Title))}, a slice of the time each, the card left on the reader and served again and again: connect → first pin change), {denyCount:N0} deny entries and 100,000 entitlements, the daemon's GC settings (workstation, concurrent; from its systemd unit: {DaemonEnvironment.Describe()}); a pause runs from the runtime's GCSuspendEEBegin for a GC to its GCRestartEEEnd event:"),
                ["taps", "taps/s", "allocated per tap", "GCs gen 0 / 1 / 2", "pauses", "longest pause", "pause p99", "pauses total", "tap p50 / p99 / max"],
                [[
                    taps.Count.ToString("N0", CultureInfo.InvariantCulture),
                    (taps.Count / elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{allocated / (double)taps.Count / 1024:F1} KiB"),
                    collections,
                    p.Count.ToString(CultureInfo.InvariantCulture),
                    p.Count == 0 ? "—" : Latencies.Ms(p.Max, 3),
                    p.Count == 0 ? "—" : Latencies.Ms(p.P(0.99), 3),
                    string.Create(CultureInfo.InvariantCulture, $"{Latencies.Ms(p.Count == 0 ? 0 : p.Total, 1)} (runtime's own count: {pauseTotal:F1} ms)"),
                    $"{Latencies.Ms(taps.P(0.5))} / {Latencies.Ms(taps.P(0.99))} / {Latencies.Ms(taps.Max)}",
                ]]);
            // A storm holds its working set steady (the simulated pins keep only their latest changes): a heap that grew with
            // the taps would make the storm's late collections the bench's, not the validator's.
            report.Line(string.Create(CultureInfo.InvariantCulture,
                $"Managed heap after the last collection before the storm / after the storm: {heapBefore / 1048576.0:F1} MB / {heapAfter / 1048576.0:F1} MB. Gen 0 when its last collection began (the runtime's gen-0 budget, sized from the CPU's last-level cache): {gen0Budget / 1048576.0:F1} MB."));
            var (stalls, waits) = machine.Stop();
            var clean = Attribute(inStorm, stalls, waits, machine.RealTime, RunQueueWaitMs(tapThread) - waitedBefore, Steal.Milliseconds() - stealBefore, elapsed, report);
            report.Target($"longest GC pause during the storm ≤ {TargetMs:F0} ms", p.Count == 0 || p.Max <= TargetMs, p.Count == 0 ? "no GC" : Latencies.Ms(p.Max, 3));
            // Beside it, not instead of it: pauses the stall meters saw no CPU taken from the VM during. Not the GC's own length
            // either: a GC thread's own wait for a busy CPU is not in the meters (they run at real-time priority).
            report.Target($"longest GC pause during which the stall meters saw no CPU taken away ≤ {TargetMs:F0} ms", clean is not { } c || c <= TargetMs,
                clean is { } ms ? Latencies.Ms(ms, 3) : "no such pause");
        }
        return taps.Count;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    /// <summary>A live thread's time waiting on a run queue so far (its /proc schedstat), in ms.</summary>
    private static double RunQueueWaitMs(int thread)
    {
        using var file = File.OpenHandle($"/proc/self/task/{thread}/schedstat");
        return Math.Max(0, MachineStallMeter.ReadWait(file, new byte[128])) / 1e6;
    }

    /// <summary>p50 / p99 / most of the values present, each shown by <paramref name="show"/>; "—" when there are none.</summary>
    private static string Spread(IEnumerable<double?> values, Func<double, string> show)
    {
        var l = new Latencies();
        foreach (var v in values) if (v is { } x) l.Add(x);
        return l.Count == 0 ? "—" : $"{show(l.P(0.5))} / {show(l.P(0.99))} / {show(l.Max)}";
    }

    private static string Kib(IEnumerable<long?> bytes) =>
        Spread(bytes.Select(b => b / 1024.0), v => v.ToString("N0", CultureInfo.InvariantCulture) + " KiB");

    /// <summary>
    /// Gen-0 pauses split by what their collection did, and how their length follows what survived them (Pearson's r
    /// over the pauses whose events said): the first question about a long gen-0 pause is whether it had more to keep.
    /// </summary>
    private static string ByMechanism(List<GcPause> gen0)
    {
        string Part(string what, List<GcPause> part)
        {
            var l = new Latencies();
            foreach (var p in part) l.Add(p.Milliseconds);
            return l.Count == 0 ? $"{what}: none" : string.Create(CultureInfo.InvariantCulture,
                $"{what}: {l.Count:N0}, p50 {Latencies.Ms(l.P(0.5), 3)}, longest {Latencies.Ms(l.Max, 3)}, survived {Kib(part.Select(p => p.SurvivedBytes))}");
        }
        var known = gen0.Where(p => p.SurvivedBytes is not null).Select(p => (X: (double)p.SurvivedBytes!.Value, Y: p.Milliseconds)).ToList();
        var r = Pearson(known);
        return $"Gen-0 pauses by what the collection did — {Part("compacted", gen0.Where(p => p.Compacted == true).ToList())}; {Part("swept", gen0.Where(p => p.Compacted == false).ToList())}. " +
            (r is { } v ? string.Create(CultureInfo.InvariantCulture, $"Pause length against bytes survived, over {known.Count:N0} gen-0 pauses: r = {v:F2}.") : "");
    }

    private static double? Pearson(List<(double X, double Y)> points)
    {
        if (points.Count < 3) return null;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        double sxy = 0, sxx = 0, syy = 0;
        foreach (var (x, y) in points)
        {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        return sxx == 0 || syy == 0 ? null : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>
    /// Pauses by generation, the longest ones with the machine's stalls during each, and the longest pause during which
    /// no CPU of the machine stalled: the GC's own length, free of the time the machine was taken away (returned; null
    /// when every pause had a stall).
    /// </summary>
    private static double? Attribute(List<GcPause> pauses, IReadOnlyList<MachineStall> stalls, IReadOnlyList<RunQueueWait> waits, bool realTime, double waitedMs, double stealMs, TimeSpan elapsed, BenchReport report)
    {
        var rows = pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key).Select(g =>
        {
            var l = new Latencies();
            foreach (var p in g) l.Add(p.Milliseconds);
            return (IReadOnlyList<string>)[g.Key < 0 ? "unknown" : g.Key.ToString(CultureInfo.InvariantCulture), l.Count.ToString("N0", CultureInfo.InvariantCulture),
                Latencies.Ms(l.P(0.5), 3), Latencies.Ms(l.P(0.99), 3), Latencies.Ms(l.Max, 3),
                $"{g.Count(p => p.Compacted == true):N0} / {g.Count(p => p.Compacted == false):N0}",
                Kib(g.Select(p => p.SurvivedBytes))];
        }).ToList();
        report.Table("GC pauses by the generation collected, with what the collections did (GCGlobalHeapHistory's mechanisms; what survived: GCHeapStats' bytes promoted out of the generations collected):",
            ["generation", "pauses", "p50", "p99", "longest", "compacted / swept", "survived p50 / p99 / most"], rows);
        report.Line(ByMechanism(pauses.Where(p => p.Generation == 0).ToList()));

        var cpus = stalls.Select(s => s.Cpu).Concat(Enumerable.Range(0, Environment.ProcessorCount)).Distinct().Order().ToList();
        string During(GcPause p, int cpu) =>
            stalls.Where(s => s.Cpu == cpu && s.Overlaps(p)).Select(s => s.LateMilliseconds).DefaultIfEmpty(0).Max() is var late and > 0 ? Latencies.Ms(late, 1) : "—";
        var longest = pauses.OrderByDescending(p => p.Milliseconds).Take(8).Select(p => (IReadOnlyList<string>)[
            Latencies.Ms(p.Milliseconds, 3), p.Generation < 0 ? "unknown" : p.Generation.ToString(CultureInfo.InvariantCulture), p.Why,
            string.Create(CultureInfo.InvariantCulture, $"{(p.Begin - pauses[0].Begin).TotalSeconds:F1} s"),
            p.SuspendMilliseconds is { } suspend ? Latencies.Ms(suspend, 3) : "—",
            p.CollectMilliseconds is { } collect ? Latencies.Ms(collect, 3) : "—",
            p.Did,
            waits.Where(w => w.Overlaps(p)).Sum(w => w.Milliseconds) is var waited and > 0 ? Latencies.Ms(waited, 1) : "—",
            .. cpus.Select(cpu => During(p, cpu)),
        ]).ToList();
        var meter = realTime ? "pinned, SCHED_FIFO" : "pinned, normal priority: a busy CPU delays it too";
        report.Table(
            $"The longest pauses: their parts (threads stopping: SuspendEEBegin → SuspendEEEnd; collecting: GCStart → GCEnd), how long the tap thread, which runs nearly every collection, waited on a run queue for a CPU around it (its /proc schedstat, looked at every ~1 ms from outside; — = under {MachineStallMeter.WaitThresholdMs:F1} ms), and how late the machine's stall meter on each CPU woke during it (a process of its own, one thread per CPU asking to sleep 1 ms again and again, {meter}; — = never ≥ {MachineStallMeter.ThresholdMs:F0} ms late):",
            ["pause", "generation", "kind, trigger", "at", "of it: threads stopping", "of it: collecting", "the collection", "tap thread waited for a CPU", .. cpus.Select(cpu => $"CPU {cpu} stalled")], longest);
        var stepped = pauses.Where(p => p.Steps.Length > 0).OrderByDescending(p => p.Milliseconds).Take(4).ToList();
        if (stepped.Count > 0)
        {
            report.Line("The runtime's own events inside the longest pauses, each with its time from the pause's start in ms (a \"marked …\" event ends that marking stage, so its stage took the time since the event before it):\n\n" +
                string.Join("\n", stepped.Select(p => string.Create(CultureInfo.InvariantCulture, $"- {Latencies.Ms(p.Milliseconds, 3)} at {(p.Begin - pauses[0].Begin).TotalSeconds:F1} s: {p.Steps}"))));
        }
        report.Line(string.Create(CultureInfo.InvariantCulture,
            $"The parts of every pause, p50 / p99 / longest: threads stopping (SuspendEEBegin → SuspendEEEnd) {Spread(pauses.Select(p => p.SuspendMilliseconds), v => Latencies.Ms(v, 3))}; " +
            $"collecting (GCStart → GCEnd) {Spread(pauses.Select(p => p.CollectMilliseconds), v => Latencies.Ms(v, 3))}."));

        var clean = pauses.Where(p => !stalls.Any(s => s.Overlaps(p))).Select(p => p.Milliseconds).ToList();
        var own = pauses.Where(p => !stalls.Any(s => s.Overlaps(p)) && !waits.Any(w => w.Overlaps(p))).Select(p => p.Milliseconds).ToList();
        var over = pauses.Where(p => p.Milliseconds > TargetMs).ToList();
        var overClean = over.Count(p => !stalls.Any(s => s.Overlaps(p)));
        var perCpu = string.Join("; ", cpus.Select(cpu =>
        {
            var late = stalls.Where(s => s.Cpu == cpu).Select(s => s.LateMilliseconds).ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"CPU {cpu}: {late.Count:N0} (≥ 5 ms {late.Count(l => l >= 5):N0}, longest {(late.Count == 0 ? "—" : Latencies.Ms(late.Max(), 1))})");
        }));

        report.Line(string.Create(CultureInfo.InvariantCulture,
            $"Stalls of the machine (a meter woke ≥ {MachineStallMeter.ThresholdMs:F0} ms late) in {elapsed.TotalMinutes:F1} min: {perCpu}. " +
            $"CPU time the hypervisor stole from the VM meanwhile (/proc/stat, all CPUs): {stealMs:F0} ms. " +
            $"The tap thread waited on a run queue for a CPU {waitedMs:F0} ms in all. " +
            $"Pauses over {TargetMs:F0} ms: {over.Count:N0}, of them {overClean:N0} with no CPU stalled meanwhile. " +
            $"Pauses during which no CPU stalled: {clean.Count:N0} of {pauses.Count:N0}, the longest {(clean.Count == 0 ? "—" : Latencies.Ms(clean.Max(), 3))}; " +
            $"during which no CPU stalled and the tap thread did not wait for a CPU: {own.Count:N0}, the longest {(own.Count == 0 ? "—" : Latencies.Ms(own.Max(), 3))}."));
        return clean.Count == 0 ? null : clean.Max();
    }
}

/// <summary>
/// One GC pause: when it began and ended (UTC), the generation collected (the deepest one it saw), and its parts: until
/// every managed thread had stopped (SuspendEEEnd) and the collection itself (GCStart to GCEnd), where seen.
/// </summary>
internal readonly record struct GcPause(DateTime Begin, DateTime End, int Generation, DateTime? Suspended, DateTime? CollectBegin, DateTime? CollectEnd, string Why, string Steps = "",
    bool? Compacted = null, long? SurvivedBytes = null, long? Pinned = null)
{
    /// <summary>What the collection did inside this pause, where its events said: compacted or swept, bytes that survived it, objects pinned.</summary>
    public string Did => Compacted is null && SurvivedBytes is null
        ? "—"
        : string.Create(CultureInfo.InvariantCulture,
            $"{(Compacted is { } c ? c ? "compacted" : "swept" : "?")}, {(SurvivedBytes is { } b ? $"{b / 1024.0:N0} KiB" : "?")} survived, {(Pinned is { } n ? $"{n:N0}" : "?")} pinned");

    public double Milliseconds => (End - Begin).TotalMilliseconds;

    /// <summary>Whether the span from <paramref name="begin"/> to <paramref name="end"/> (UTC) overlaps this pause.</summary>
    public bool Overlaps(DateTime begin, DateTime end) => begin < End && Begin < end;

    /// <summary>From the start of the suspension until every managed thread had stopped at a safe point.</summary>
    public double? SuspendMilliseconds => Suspended is { } s ? (s - Begin).TotalMilliseconds : null;

    /// <summary>The collection's own work, GCStart to GCEnd.</summary>
    public double? CollectMilliseconds => CollectBegin is { } b && CollectEnd is { } e ? (e - b).TotalMilliseconds : null;
}

/// <summary>
/// Listens to the runtime's own GC events in process and measures each pause: from GCSuspendEEBegin (the runtime starts
/// stopping managed threads) with a GC as its reason to GCRestartEEEnd (they run again), with the generation from the
/// GCStart in between (a background gen-2 collection's short pauses carry generation 2 too, or -1 when none was seen).
/// </summary>
internal sealed class GcPauseListener : EventListener
{
    private const int GCStart = 1;
    private const int GCEnd = 2;
    private const int RestartEEEnd = 3;
    private const int SuspendEEEnd = 8;
    private const int SuspendEEBegin = 9;
    private const int HeapStats = 4;
    private const int GlobalHeapHistory = 205;

    /// <summary>GCGlobalHeapHistory's GlobalMechanisms flag for a compacting collection (the runtime's gc_global_mechanism_p).</summary>
    private const int CompactionMechanism = 0x2;
    private readonly Lock _gate = new();
    private readonly Latencies _pauses = new();
    private readonly List<GcPause> _list = [];
    private DateTime? _suspended;
    private int _generation = -1;
    private DateTime? _allStopped;
    private DateTime? _collectBegin;
    private DateTime? _collectEnd;
    private string _why = "—";
    private bool? _compacted;
    private long? _survived;
    private long? _pinned;
    private readonly List<(string Name, DateTime At)> _steps = [];

    /// <summary>A pause at least this long keeps the runtime's events inside it, in order, as its steps.</summary>
    private const double StepsFromMs = 3;

    // GCMarkWithType's Type payload (the runtime's gc root kinds); the event comes at the end of that marking stage.
    private static readonly string[] RootKinds = ["stacks", "finalize queue", "handles", "older generations (cards)", "sized refs", "overflow", "dependent handles", "new finalize queue", "steal", "background"];

    // GCStart's Reason and Type payloads (the runtime's gc_reason and gc_type).
    private static readonly string[] Reasons =
        ["small allocation", "induced", "low memory", "empty", "large allocation", "out of space (SOH)", "out of space (LOH)", "induced, not forced", "stress", "low memory (induced)", "induced, compacting", "provisional", "LOH reclaim", "BGC ephemeral", "induced, aggressive"];
    private static readonly string[] Types = ["blocking", "background", "foreground"];

    private static string Name(string[] names, object? value) =>
        value is null ? "?" : Convert.ToInt32(value, CultureInfo.InvariantCulture) is var i && i >= 0 && i < names.Length ? names[i] : i.ToString(CultureInfo.InvariantCulture);

    private static long? Field(EventWrittenEventArgs e, string name) =>
        e.PayloadNames?.IndexOf(name) is >= 0 and var i && e.Payload![i] is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    private static string StepName(EventWrittenEventArgs e)
    {
        var name = e.EventName ?? e.EventId.ToString(CultureInfo.InvariantCulture);
        if (name.StartsWith("GC", StringComparison.Ordinal)) name = name[2..];
        return e.PayloadNames?.IndexOf("Type") is >= 0 and var t && name.StartsWith("MarkWithType", StringComparison.Ordinal)
            ? $"marked {Name(RootKinds, e.Payload![t])}"
            : name;
    }

    public Latencies Pauses
    {
        get { lock (_gate) return _pauses; }
    }

    public IReadOnlyList<GcPause> List
    {
        get { lock (_gate) return [.. _list]; }
    }

    /// <summary>Waits until the events of the last collection have arrived (they are dispatched on a thread of their own).</summary>
    public void Flush()
    {
        var count = GC.CollectionCount(0);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            lock (_gate) if (_suspended is null && _pauses.Count >= count - _startCount) return;
            Thread.Sleep(50); // event dispatch has no completion signal
        }
    }

    private readonly int _startCount = GC.CollectionCount(0);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1); // GC keyword
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        lock (_gate)
        {
            if (_suspended is not null && eventData.EventId != SuspendEEBegin) _steps.Add((StepName(eventData), eventData.TimeStamp));
            switch (eventData.EventId)
            {
                case SuspendEEBegin:
                    // The runtime stops its threads for other reasons too (its own housekeeping, a debugger); only a
                    // suspension for a collection (reason 1, SUSPEND_FOR_GC, or 6, SUSPEND_FOR_GC_PREP) is a GC pause.
                    _suspended = eventData.Payload is [var reason, ..] && Convert.ToUInt32(reason, CultureInfo.InvariantCulture) is 1 or 6
                        ? eventData.TimeStamp
                        : null;
                    _generation = -1;
                    _allStopped = _collectBegin = _collectEnd = null;
                    _why = "—";
                    _compacted = null;
                    _survived = _pinned = null;
                    _steps.Clear();
                    break;
                case SuspendEEEnd when _suspended is not null:
                    _allStopped ??= eventData.TimeStamp;
                    break;
                case GCStart when _suspended is not null && eventData.PayloadNames?.IndexOf("Depth") is >= 0 and var depth:
                    _generation = Math.Max(_generation, Convert.ToInt32(eventData.Payload![depth], CultureInfo.InvariantCulture));
                    if (_collectBegin is null)
                    {
                        _collectBegin = eventData.TimeStamp;
                        var names = eventData.PayloadNames!;
                        _why = $"{Name(Types, names.IndexOf("Type") is >= 0 and var t ? eventData.Payload![t] : null)}, {Name(Reasons, names.IndexOf("Reason") is >= 0 and var r ? eventData.Payload![r] : null)}";
                    }
                    break;
                case GCEnd when _suspended is not null && _collectBegin is not null:
                    _collectEnd = eventData.TimeStamp;
                    break;
                case GlobalHeapHistory when _suspended is not null && Field(eventData, "GlobalMechanisms") is { } mechanisms:
                    _compacted = (mechanisms & CompactionMechanism) != 0;
                    break;
                case HeapStats when _suspended is not null && _generation >= 0:
                    // What survived the generations this collection condemned: promoted out of each of them (gen 2 promotes
                    // into itself, and a gen-2 collection condemns the large and pinned object heaps, 3 and 4, too).
                    long survived = 0;
                    for (var g = 0; g <= (_generation >= 2 ? 4 : _generation); g++)
                        survived += Field(eventData, string.Create(CultureInfo.InvariantCulture, $"TotalPromotedSize{g}")) ?? 0;
                    _survived = survived;
                    _pinned = Field(eventData, "PinnedObjectCount");
                    break;
                case RestartEEEnd when _suspended is { } begin:
                    _pauses.Add((eventData.TimeStamp - begin).TotalMilliseconds);
                    var steps = (eventData.TimeStamp - begin).TotalMilliseconds >= StepsFromMs
                        ? string.Join("; ", _steps.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Name} {(x.At - begin).TotalMilliseconds:F2}")))
                        : "";
                    _list.Add(new GcPause(begin, eventData.TimeStamp, _generation, _allStopped, _collectBegin, _collectEnd, _why, steps, _compacted, _survived, _pinned));
                    _suspended = null;
                    break;
            }
        }
    }
}

/// <summary>The machine's CPU time stolen by the hypervisor (the steal column of /proc/stat), in milliseconds; 0 where unknown.</summary>
internal static class Steal
{
    public static double Milliseconds()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal …, in USER_HZ (100 per second on Linux).
            return cpu.Length > 8 ? double.Parse(cpu[8], CultureInfo.InvariantCulture) * 10 : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
