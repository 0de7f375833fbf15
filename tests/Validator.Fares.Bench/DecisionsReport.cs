namespace Validator.Fares.Bench;

/// <summary>The decision bench's markdown: latency beside the hash lookup limit per size, memory, and updates in the store.</summary>
internal static class DecisionsReport
{
    private const double BudgetMb = 150;

    public static Markdown Write(IReadOnlyList<MeasureResult> results, int decisions)
    {
        var md = new Markdown();
        md.Line(Markdown.F($"Decision latency through `FareService.Decide`, {decisions:N0} decisions after {Measure.WarmUp:N0} warm-up, 100,000 entitlements, lists loaded by `StoredLists.Open`; beside it the limit: the same taps looked up in a `HashSet` of the deny tokens and `Dictionary`s of the entitlements by token and PAR (same process, same run)."));
        md.Table(
            ["deny entries", "decision median", "p99", "p99.9", "hash lookup median", "hash lookup p99", "p99 ratio"],
            results.Select(r => new[]
            {
                Markdown.F($"{r.Deny:N0}"), Us(r.MedianUs), Us(r.P99Us), Us(r.P999Us), Us(r.LimitMedianUs), Us(r.LimitP99Us),
                Markdown.F($"{r.P99Us / Math.Max(r.LimitP99Us, 0.001):F1}×"),
            }));
        md.Line("Memory (RSS) of the same processes: at start (open store, build indexes), in service after the decisions, and the peaks while a 10,000-change delta and a full deny snapshot were applied in the store beside the list in service.");
        md.Table(
            ["deny entries", "store file", "index build", "RSS at start: peak / after", "RSS in service", "peak RSS, delta", "peak RSS, full re-apply", "RSS after"],
            results.Select(r => new[]
            {
                Markdown.F($"{r.Deny:N0}"), Markdown.F($"{r.StoreMb:F0} MB"), Markdown.F($"{r.BuildMs / 1000:F1} s"),
                Markdown.F($"{r.PeakStartMb:F0} / {r.AfterStartMb:F0} MB"), Markdown.F($"{r.ServiceMb:F0} MB"),
                Markdown.F($"{r.PeakDeltaMb:F0} MB"), Markdown.F($"{r.PeakApplyMb:F0} MB"), Markdown.F($"{r.AfterApplyMb:F0} MB"),
            }));
        md.Line("Updates in the store while taps go on (a tap due every 2 ms on its own thread): time of the update, the taps' decision p99 and time from due to decided p99.");
        md.Table(
            ["deny entries", "idle: decision p99 / from due p99", "delta 10,000 changes: time", "decision p99", "full re-apply: time", "decision p99 / from due p99"],
            results.Select(r => new[]
            {
                Markdown.F($"{r.Deny:N0}"), Markdown.F($"{r.IdleTapP99Us:F1} µs / {r.IdleDueP99Ms:F2} ms"),
                Markdown.F($"{r.DeltaMs:F0} ms"), Markdown.F($"{r.DeltaTapP99Us:F1} µs"),
                Markdown.F($"{r.SnapshotMs / 1000:F2} s"), Markdown.F($"{r.ApplyTapP99Us:F1} µs / {r.ApplyDueP99Ms:F2} ms"),
            }));
        if (results.FirstOrDefault(r => r.Deny == 1_000_000) is { } million)
        {
            md.Target("decision p99 ≤ 1 ms at 1,000,000 deny entries", million.P99Us <= 1000, Us(million.P99Us));
            var peak = new[] { million.PeakStartMb, million.ServiceMb, million.PeakDeltaMb, million.PeakApplyMb }.Max();
            md.Target("RSS ≤ 150 MB at all times at 1,000,000 deny entries (lists only, no sync)", peak <= BudgetMb, Markdown.F($"peak {peak:F0} MB"));
        }
        foreach (var big in results.Where(r => r.Deny > 1_000_000))
        {
            var peak = new[] { big.PeakStartMb, big.ServiceMb, big.PeakDeltaMb, big.PeakApplyMb }.Max();
            md.Target(Markdown.F($"RSS ≤ 150 MB at {big.Deny:N0} deny entries"), peak <= BudgetMb,
                Markdown.F($"in service {big.ServiceMb:F0} MB, peak {peak:F0} MB; the deny rows alone are {big.Deny * 20.0 / 1e6:F0} MB at 20 bytes a row"));
        }
        return md;
    }

    private static string Us(double us) => us >= 100 ? Markdown.F($"{us:F0} µs") : Markdown.F($"{us:F2} µs");
}
