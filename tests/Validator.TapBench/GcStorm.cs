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
        using (var pauses = new GcPauseListener())
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
            report.Target($"longest GC pause during the storm ≤ {TargetMs:F0} ms", p.Count == 0 || p.Max <= TargetMs, p.Count == 0 ? "no GC" : Latencies.Ms(p.Max, 3));
        }
    }
}

/// <summary>
/// Listens to the runtime's own GC events in process and measures each pause: from GCSuspendEEBegin (the runtime starts
/// stopping managed threads) with a GC as its reason to GCRestartEEEnd (they run again).
/// </summary>
internal sealed class GcPauseListener : EventListener
{
    private const int RestartEEEnd = 3;
    private const int SuspendEEBegin = 9;
    private readonly Lock _gate = new();
    private readonly Latencies _pauses = new();
    private DateTime? _suspended;

    public Latencies Pauses
    {
        get { lock (_gate) return _pauses; }
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
                    _suspended = eventData.Payload is [var reason, ..] && Convert.ToUInt32(reason, System.Globalization.CultureInfo.InvariantCulture) is 1 or 6
                        ? eventData.TimeStamp
                        : null;
                    break;
                case RestartEEEnd when _suspended is { } begin:
                    _pauses.Add((eventData.TimeStamp - begin).TotalMilliseconds);
                    _suspended = null;
                    break;
            }
        }
    }
}
