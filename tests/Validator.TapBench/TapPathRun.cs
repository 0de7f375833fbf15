using System.Globalization;
using Validator.BenchKit;
using Validator.Simulation.Vpcd;

namespace Validator.TapBench;

/// <summary>Tap path beside its floor, per profile, paired tap by tap.</summary>
internal static class TapPathRun
{
    /// <summary>The field budget for a whole tap (card present → feedback), with real card timing.</summary>
    private const double FieldBudgetMs = 300;

    public static void Run(TapRig rig, IReadOnlyList<string> profiles, int taps, int warmup, TimeSpan apduDelay, int denyCount, BenchReport report)
    {
        var options = new VpcdOptions { ApduDelay = apduDelay };
        var rows = new List<IReadOnlyList<string>>();
        var allocationRows = new List<IReadOnlyList<string>>();
        var results = new List<(string Profile, Latencies Total, Latencies Overhead)>();
        foreach (var profile in profiles)
        {
            var total = new Latencies();
            var floor = new Latencies();
            var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var apdus = 0;
            long allocated = 0;
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            Console.WriteLine($"{BenchCards.Title(profile)}: {warmup} warm-up + {taps} taps …");
            for (var i = -warmup; i < taps; i++)
            {
                // Alternate the tap path and the floor: the same card, the same APDUs sent raw by a minimal client.
                var recorder = new RecordingCard(BenchCards.Create(profile));
                var tap = rig.Tap(recorder, options);
                var raw = rig.Raw(BenchCards.Create(profile), recorder.Commands, options);
                if (i < 0)
                {
                    gen0 = GC.CollectionCount(0);
                    gen2 = GC.CollectionCount(2);
                    continue;
                }
                total.Add(tap.Milliseconds);
                floor.Add(raw);
                allocated += tap.AllocatedBytes;
                reasons[tap.Result.Decision.Reason] = reasons.GetValueOrDefault(tap.Result.Decision.Reason) + 1;
                apdus = tap.Result.Read.ApduCount;
            }
            var overhead = total.Minus(floor);
            var name = BenchCards.Title(profile);
            var decided = string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}"));
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "card present → first pin change", .. total.Cells()]);
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "floor: same APDUs raw (connect + exchange)", .. floor.Cells()]);
            rows.Add([name, apdus.ToString(CultureInfo.InvariantCulture), "**validator overhead** (paired difference)", .. overhead.Cells()]);
            allocationRows.Add([name, decided, string.Create(CultureInfo.InvariantCulture, $"{allocated / (double)taps / 1024:F1} KiB"),
                (GC.CollectionCount(0) - gen0).ToString(CultureInfo.InvariantCulture), (GC.CollectionCount(2) - gen2).ToString(CultureInfo.InvariantCulture)]);
            results.Add((name, total, overhead));
        }

        var delay = apduDelay > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"the virtual card waits {apduDelay.TotalMilliseconds:F0} ms before each answer (radio time)") : "no card delay";
        report.Table(
            string.Create(CultureInfo.InvariantCulture,
                $"Tap path through pcscd + vpcd, card present → first feedback pin change, {taps:N0} taps per profile after {warmup} warm-up, {denyCount:N0} deny entries and 100,000 entitlements in LiteDB, journal with fdatasync, {delay}; floor: the same APDUs sent raw through libpcsclite to a fresh copy of the card right after each tap; overhead: the paired difference:"),
            ["profile", "APDUs", "measured", .. Latencies.Headers],
            rows);
        report.Table(
            "Decisions and allocation during those taps (allocation: all threads, from card present to feedback; collections during the measured taps):",
            ["profile", "decisions", "allocated per tap", "gen-0 GCs", "gen-2 GCs"],
            allocationRows);
        foreach (var (name, total, overhead) in results)
        {
            if (apduDelay > TimeSpan.Zero)
            {
                report.Target($"{name} tap-to-feedback p99 ≤ {FieldBudgetMs:F0} ms (field budget) with {apduDelay.TotalMilliseconds:F0} ms per APDU", total.P(0.99) <= FieldBudgetMs, Latencies.Ms(total.P(0.99)));
            }
            else
            {
                report.Target($"{name} validator overhead p99 ≤ 2 ms", overhead.P(0.99) <= 2, Latencies.Ms(overhead.P(0.99)));
                report.Target($"{name} tap-to-feedback p99 ≤ 5 ms", total.P(0.99) <= 5, Latencies.Ms(total.P(0.99)));
            }
        }
    }
}
