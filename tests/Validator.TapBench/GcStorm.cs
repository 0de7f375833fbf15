using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Validator.BenchKit;
using Validator.Simulation.Vpcd;

namespace Validator.TapBench;

/// <summary>Taps back to back through the tap path for a while, and every GC pause meanwhile.</summary>
internal static class GcStorm
{
    private const double TargetMs = 5;

    public static void Run(TapRig rig, IReadOnlyList<string> profiles, TimeSpan duration, int denyCount, BenchReport report)
    {
        var options = new VpcdOptions();

        rig.WithCardOnReader(BenchCards.Create(profiles[0]), options, present =>
        {
            for (var i = 0; i < 200; i++) rig.Serve(present.ReaderName, present.Atr, Stopwatch.GetTimestamp()); // warm-up: JIT, caches
        });
        var taps = new Latencies();
        var allocated = 0L;
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var pauseBefore = GC.GetTotalPauseDuration();
        Console.WriteLine($"tap storm for {duration.TotalMinutes:F1} min …");
        var clock = Stopwatch.StartNew();
        var stealBefore = Steal.Milliseconds();
        using (var pauses = new GcPauseListener())
        using (var stalls = new StallMeter())
        {
            var next = TimeSpan.FromMinutes(1);
            // pcscd polls vpcd for presence (a few hundred ms per insertion), so a storm of real insertions would be one tap
            // a second. Each profile's card stays on the reader instead and is served again and again: connect, read,
            // decide, journal, feedback, disconnect, all as the daemon does, back to back; timed from the connect.
            var slice = duration / profiles.Count;
            for (var slot = 0; slot < profiles.Count; slot++)
            {
                var until = slice * (slot + 1);
                rig.WithCardOnReader(BenchCards.Create(profiles[slot]), options, present =>
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
            pauses.Flush();
            var pauseTotal = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
            var p = pauses.Pauses;
            var collections = string.Create(CultureInfo.InvariantCulture,
                $"{GC.CollectionCount(0) - gen0} / {GC.CollectionCount(1) - gen1} / {GC.CollectionCount(2) - gen2}");
            report.Table(
                string.Create(CultureInfo.InvariantCulture,
                    $"GC during a tap storm: {elapsed.TotalMinutes:F1} min of taps back to back through pcscd + vpcd ({string.Join(", ", profiles.Select(BenchCards.Title))}, a slice of the time each, the card left on the reader and served again and again: connect → first pin change), {denyCount:N0} deny entries and 100,000 entitlements, the daemon's GC settings (workstation, concurrent); a pause runs from the runtime's GCSuspendEEBegin for a GC to its GCRestartEEEnd event:"),
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
            Attribute(pauses.List, stalls.Stalls, Steal.Milliseconds() - stealBefore, elapsed, report);
            report.Target($"longest GC pause during the storm ≤ {TargetMs:F0} ms", p.Count == 0 || p.Max <= TargetMs, p.Count == 0 ? "no GC" : Latencies.Ms(p.Max, 3));
        }
    }

    /// <summary>Pauses by generation, the longest ones, and what the stall meter saw outside any GC.</summary>
    private static void Attribute(IReadOnlyList<GcPause> pauses, IReadOnlyList<(DateTime Begin, DateTime End)> stalls, double stealMs, TimeSpan elapsed, BenchReport report)
    {
        var rows = pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key).Select(g =>
        {
            var l = new Latencies();
            foreach (var p in g) l.Add(p.Milliseconds);
            return (IReadOnlyList<string>)[g.Key < 0 ? "unknown" : g.Key.ToString(CultureInfo.InvariantCulture), l.Count.ToString("N0", CultureInfo.InvariantCulture),
                Latencies.Ms(l.P(0.5), 3), Latencies.Ms(l.P(0.99), 3), Latencies.Ms(l.Max, 3)];
        }).ToList();
        report.Table("GC pauses by the generation collected:", ["generation", "pauses", "p50", "p99", "longest"], rows);

        static bool Overlaps((DateTime Begin, DateTime End) s, GcPause p) => s.Begin < p.End && p.Begin < s.End;
        var longest = pauses.OrderByDescending(p => p.Milliseconds).Take(5).Select(p => (IReadOnlyList<string>)[
            Latencies.Ms(p.Milliseconds, 3), p.Generation.ToString(CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{(p.Begin - pauses[0].Begin).TotalSeconds:F1} s"),
            stalls.Where(s => Overlaps(s, p)).Select(s => (s.End - s.Begin).TotalMilliseconds - 1).DefaultIfEmpty(0).Max() is var seen and > 0 ? Latencies.Ms(seen, 1) : "—",
        ]).ToList();
        report.Table("The five longest pauses, and the longest stall the stall meter (a thread sleeping 1 ms in a loop) saw during each:",
            ["pause", "generation", "at", "stall seen"], longest);

        var outside = stalls.Where(s => !pauses.Any(p => Overlaps(s, p))).Select(s => (s.End - s.Begin).TotalMilliseconds - 1).ToList();
        var inside = stalls.Count - outside.Count;
        report.Line(string.Create(CultureInfo.InvariantCulture,
            $"Stalls of the whole process (the stall meter woke ≥ {StallMeter.ThresholdMs:F0} ms late): {stalls.Count:N0}, of them {inside:N0} during a GC pause and {outside.Count:N0} outside any; " +
            $"outside a GC: ≥ 5 ms {outside.Count(o => o >= 5):N0}, ≥ 10 ms {outside.Count(o => o >= 10):N0}, longest {(outside.Count == 0 ? "—" : Latencies.Ms(outside.Max(), 1))}. " +
            $"CPU time the hypervisor stole from the VM meanwhile (/proc/stat, both vCPUs): {stealMs:F0} ms in {elapsed.TotalMinutes:F1} min."));
    }
}

/// <summary>One GC pause: when it began and ended (UTC), and the generation collected (the deepest one it saw).</summary>
internal readonly record struct GcPause(DateTime Begin, DateTime End, int Generation)
{
    public double Milliseconds => (End - Begin).TotalMilliseconds;
}

/// <summary>
/// Listens to the runtime's own GC events in process and measures each pause: from GCSuspendEEBegin (the runtime starts
/// stopping managed threads) with a GC as its reason to GCRestartEEEnd (they run again), with the generation from the
/// GCStart in between (a background gen-2 collection's short pauses carry generation 2 too, or -1 when none was seen).
/// </summary>
internal sealed class GcPauseListener : EventListener
{
    private const int GCStart = 1;
    private const int RestartEEEnd = 3;
    private const int SuspendEEBegin = 9;
    private readonly Lock _gate = new();
    private readonly Latencies _pauses = new();
    private readonly List<GcPause> _list = [];
    private DateTime? _suspended;
    private int _generation = -1;

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
            switch (eventData.EventId)
            {
                case SuspendEEBegin:
                    // The runtime stops its threads for other reasons too (its own housekeeping, a debugger); only a
                    // suspension for a collection (reason 1, SUSPEND_FOR_GC, or 6, SUSPEND_FOR_GC_PREP) is a GC pause.
                    _suspended = eventData.Payload is [var reason, ..] && Convert.ToUInt32(reason, CultureInfo.InvariantCulture) is 1 or 6
                        ? eventData.TimeStamp
                        : null;
                    _generation = -1;
                    break;
                case GCStart when _suspended is not null && eventData.PayloadNames?.IndexOf("Depth") is >= 0 and var depth:
                    _generation = Math.Max(_generation, Convert.ToInt32(eventData.Payload![depth], CultureInfo.InvariantCulture));
                    break;
                case RestartEEEnd when _suspended is { } begin:
                    _pauses.Add((eventData.TimeStamp - begin).TotalMilliseconds);
                    _list.Add(new GcPause(begin, eventData.TimeStamp, _generation));
                    _suspended = null;
                    break;
            }
        }
    }
}

/// <summary>
/// A thread that asks to sleep 1 ms again and again and notes every time it woke late by at least
/// <see cref="ThresholdMs"/>: the stalls the whole process saw, whatever their cause (a GC pause, the scheduler, the
/// hypervisor taking the vCPU away). A stall that overlaps no GC pause was not the GC's.
/// </summary>
internal sealed class StallMeter : IDisposable
{
    public const double ThresholdMs = 2;
    private readonly Thread _thread;
    private readonly List<(DateTime Begin, DateTime End)> _stalls = [];
    private volatile bool _stop;

    public StallMeter()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "stall meter", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public IReadOnlyList<(DateTime Begin, DateTime End)> Stalls
    {
        get { lock (_stalls) return [.. _stalls]; }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stop)
        {
            var before = DateTime.UtcNow;
            Thread.Sleep(1);
            var after = DateTime.UtcNow;
            if ((after - before).TotalMilliseconds - 1 >= ThresholdMs)
            {
                lock (_stalls) _stalls.Add((before, after));
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
