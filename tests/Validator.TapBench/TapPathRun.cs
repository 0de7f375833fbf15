using System.Globalization;
using Validator.BenchKit;

namespace Validator.TapBench;

/// <summary>Tap path beside its floor, per profile, paired tap by tap.</summary>
internal static class TapPathRun
{
    /// <summary>The field budget for a whole tap (card present → feedback), with real card timing.</summary>
    private const double FieldBudgetMs = 300;

    public static void Run(TapRig rig, IReadOnlyList<string> profiles, int taps, int warmup, TimeSpan apduDelay, int denyCount, BenchReport report)
    {
        var rows = new List<IReadOnlyList<string>>();
        var allocationRows = new List<IReadOnlyList<string>>();
        var results = new List<(string Profile, Latencies Total, Latencies Overhead, Latencies Own, Latencies Code, Latencies Floor, Latencies Sync)>();
        var phaseRows = new List<IReadOnlyList<string>>();
        foreach (var profile in profiles)
        {
            var total = new Latencies();
            var floor = new Latencies();
            var own = new Latencies();
            var code = new Latencies();
            var sync = new Latencies();
            var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var timings = new List<Validator.Core.Taps.TapTimings>();
            var apdus = 0;
            long allocated = 0;
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            Console.WriteLine($"{BenchCards.Title(profile)}: {warmup} warm-up + {taps} taps …");
            using var card = CardHost.Start(profile, apduDelay);
            for (var i = -warmup; i < taps; i++)
            {
                // Each tap, then its floor on the same card: the same APDUs sent raw by a minimal client.
                var (tap, raw) = rig.TapWithFloor(card);
                if (i > 0 && i % 250 == 0) Console.WriteLine($"  {i} taps");
                if (i < 0)
                {
                    gen0 = GC.CollectionCount(0);
                    gen2 = GC.CollectionCount(2);
                    continue;
                }
                total.Add(tap.Milliseconds);
                own.Add(tap.Milliseconds - tap.PcscMilliseconds);
                var synced = tap.Result.Timings.JournalSync.TotalMilliseconds;
                code.Add(tap.Milliseconds - tap.PcscMilliseconds - synced);
                sync.Add(synced);
                floor.Add(raw);
                allocated += tap.AllocatedBytes;
                timings.Add(tap.Result.Timings);
                reasons[tap.Result.Decision.Reason] = reasons.GetValueOrDefault(tap.Result.Decision.Reason) + 1;
                apdus = tap.Result.Read.ApduCount;
            }
            var overhead = total.Minus(floor);
            var name = BenchCards.Title(profile);
            var decided = string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}"));
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "card present → first pin change", .. total.Cells()]);
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "floor: same APDUs raw (connect + exchange)", .. floor.Cells()]);
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "**validator overhead** (paired difference)", .. overhead.Cells()]);
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "**validator's own time** (the tap minus its own PC/SC calls)", .. own.Cells()]);
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "the disk's sync inside the tap (the journal's fdatasync)", .. sync.Cells()]);
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "**validator's own code** (the tap minus its own PC/SC calls and its own sync)", .. code.Cells()]);
            allocationRows.Add([name, decided, string.Create(CultureInfo.InvariantCulture, $"{allocated / (double)taps / 1024:F1} KiB"),
                (GC.CollectionCount(0) - gen0).ToString(CultureInfo.InvariantCulture), (GC.CollectionCount(2) - gen2).ToString(CultureInfo.InvariantCulture)]);
            results.Add((name, total, overhead, own, code, floor, sync));
            phaseRows.AddRange(Phases(name, total, timings));
        }

        var delay = apduDelay > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"the virtual card waits {apduDelay.TotalMilliseconds:F0} ms before each answer (radio time)") : "no card delay";
        report.Table(
            string.Create(CultureInfo.InvariantCulture,
                $"Tap path through pcscd + vpcd, card present → first feedback pin change, {taps:N0} taps per profile after {warmup} warm-up, {denyCount:N0} deny entries and 100,000 entitlements in LiteDB, journal with fdatasync, {delay}; floor: right after each tap, with the card still on the reader, the same APDUs sent raw through the validator's libpcsclite binding (SCardConnect + SCardTransmit on its PC/SC worker thread, as in a tap; no card-reading or fare logic); overhead: the paired difference, so it holds everything the validator adds, its reader monitor's event hand-over included, and also the difference between two separate runs of the same exchanges; the validator's own time: the same tap minus the time inside that tap's own SCardConnect and SCardTransmit calls, so pcscd's and the card's share is taken out of the very tap it happened in; the disk's sync: the time that tap's journal append spent inside fdatasync (`TapTimings.JournalSync`, as the daemon reports it), the storage device's share; the validator's own code: the own time without that sync:"),
            ["profile", "APDUs", "measured", .. Latencies.Headers],
            rows);
        report.Table(
            "Where the time goes, from the validator's own phase timings (`TapTimings`: connect = card-present event → card connected, including the hop from the reader monitor's thread to the tap thread and SCardConnect; read = the APDUs; journal = append with fdatasync; disk sync = the part of journal inside fdatasync; feedback = until `Show` returned): p50 / p99 of each phase over all taps, and its mean over the slowest 1% of taps (by card present → first pin change):",
            ["profile", "taps", "connect", "read", "decide", "journal", "disk sync", "feedback"],
            phaseRows);
        report.Line(string.Create(CultureInfo.InvariantCulture,
            $"Not in any of these: pcscd's own presence detection (vpcd is polled), insertion or removal → the event: p50 {rig.Detection.P(0.5):F0} ms, p99 {rig.Detection.P(0.99):F0} ms over {rig.Detection.Count:N0} events; a real reader's field detection is the reader's, not the validator's."));
        report.Table(
            "Decisions and allocation during those taps (allocation: all threads of the validator's process, from card present to feedback; the virtual card runs in a process of its own; collections during the measured taps):",
            ["profile", "decisions", "allocated per tap", "gen-0 GCs", "gen-2 GCs"],
            allocationRows);
        foreach (var (name, total, overhead, own, code, floor, sync) in results)
        {
            if (apduDelay > TimeSpan.Zero)
            {
                report.Target($"{name} tap-to-feedback p99 ≤ {FieldBudgetMs:F0} ms (field budget) with {apduDelay.TotalMilliseconds:F0} ms per APDU", total.P(0.99) <= FieldBudgetMs, Latencies.Ms(total.P(0.99)));
            }
            else
            {
                report.Target($"{name} validator overhead p99 ≤ 2 ms (paired difference)", overhead.P(0.99) <= 2, Latencies.Ms(overhead.P(0.99)));
                report.Target($"{name} validator's own time p99 ≤ 2 ms (tap minus its PC/SC calls)", own.P(0.99) <= 2, $"{Latencies.Ms(own.P(0.99))}; the disk's sync alone: {Latencies.Ms(sync.P(0.99))}");
                report.Target($"{name} validator's own code p99 ≤ 2 ms (tap minus its PC/SC calls and its sync)", code.P(0.99) <= 2, Latencies.Ms(code.P(0.99)));
                report.Target($"{name} tap-to-feedback p99 ≤ 5 ms", total.P(0.99) <= 5, $"{Latencies.Ms(total.P(0.99))}; the floor alone: {Latencies.Ms(floor.P(0.99))}");
            }
        }
    }

    private static IEnumerable<IReadOnlyList<string>> Phases(string name, Latencies total, List<Validator.Core.Taps.TapTimings> timings)
    {
        Func<Validator.Core.Taps.TapTimings, TimeSpan>[] phases = [t => t.Connect, t => t.Read, t => t.Decide, t => t.Journal, t => t.JournalSync, t => t.Feedback];
        var tail = Enumerable.Range(0, timings.Count).Where(i => total.Values[i] >= total.P(0.99)).ToList();
        yield return [name, "all: p50 / p99", .. phases.Select(phase =>
        {
            var values = new Latencies();
            foreach (var t in timings) values.Add(phase(t).TotalMilliseconds);
            return string.Create(CultureInfo.InvariantCulture, $"{values.P(0.5):F2} / {values.P(0.99):F2} ms");
        })];
        yield return [name, string.Create(CultureInfo.InvariantCulture, $"slowest {tail.Count}: mean"), .. phases.Select(phase =>
            string.Create(CultureInfo.InvariantCulture, $"{tail.Average(i => phase(timings[i]).TotalMilliseconds):F2} ms"))];
    }
}
