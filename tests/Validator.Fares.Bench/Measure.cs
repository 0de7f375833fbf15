using System.Diagnostics;
using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Simulation.Clock;
using Validator.Storage.Lists;

namespace Validator.Fares.Bench;

/// <summary>One bench size in a fresh process: build the index from the store, decide, report.</summary>
internal static class Measure
{
    /// <summary>
    /// Decisions before the measured ones, for both the decision and the limit: enough (about a second) for tiered
    /// compilation with dynamic PGO, the daemon's setting, to reach its final code. At 20,000 part of the measured
    /// decisions still ran instrumented code (median 4.3 µs against 1.7 µs with tiering off, 2026-12-03), which a
    /// validator in service for hours never does.
    /// </summary>
    public const int WarmUp = 400_000;

    public static MeasureResult Run(int denyCount, int entitlementCount, int decisions, string dir)
    {
        var path = Prepare.PathFor(denyCount, entitlementCount, dir);
        // Replay the generator to keep a small sample of listed cards; the lists themselves come from the store.
        var random = new Random(BenchData.Seed);
        var denied = BenchData.DenyEntries(denyCount, random).Where((_, i) => i % Math.Max(1, denyCount / 2000) == 0).ToArray();
        var holders = BenchData.Entitlements(entitlementCount, random).Where((_, i) => i % 50 == 0).ToArray();
        var work = Path.Combine(dir, "measure.db");
        File.Copy(path, work, overwrite: true);
        Collect();
        using var rss = new RssSampler();
        var rssBefore = rss.Rss;

        // Start: open the store and build the indexes, as the daemon does before its first tap.
        rss.Reset();
        var time = new FixedTime(BenchData.ListsUpdated);
        var build = Stopwatch.StartNew();
        using var lists = StoredLists.Open(work, time);
        var buildMs = build.Elapsed.TotalMilliseconds;
        var peakStart = rss.Peak;
        var rssAfterBuild = rss.Rss;
        var heapAfterBuild = GC.GetTotalMemory(false);

        // In service: decisions back to back.
        rss.Reset();
        var clockStart = new DateTimeOffset(2026, 10, 5, 5, 0, 0, TimeSpan.Zero); // Monday 07:00 in Berlin
        time.Now = clockStart;
        var service = new FareService(lists.Live, new ClockTrustMonitor(time, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());
        var lines = BenchData.Lines.Select(l => new TapLocation(l, "Bernburg ZOB")).ToArray();
        var tapRandom = new Random(BenchData.Seed + 1);
        for (var i = 0; i < WarmUp; i++) service.Decide(Taps.Next(tapRandom, denied, holders), lines[i % lines.Length]);

        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var elapsed = new long[decisions];
        for (var i = 0; i < decisions; i++)
        {
            time.Now = clockStart.AddMilliseconds(200L * i); // 200,000 taps from 07:00 to 18:07
            var tap = Taps.Next(tapRandom, denied, holders);
            var t0 = Stopwatch.GetTimestamp();
            var decision = service.Decide(tap, lines[i % lines.Length]);
            elapsed[i] = Stopwatch.GetTimestamp() - t0;
            outcomes[decision.Reason] = outcomes.GetValueOrDefault(decision.Reason) + 1;
        }
        var gc = (Gen0: GC.CollectionCount(0) - gen0, Gen2: GC.CollectionCount(2) - gen2);
        var rssService = rss.Rss;
        var peakService = rss.Peak;
        var taps = new TapLoop(service, time, lines, tapRandom, denied, holders);

        // Taps with nothing else going on, for comparison with taps during the updates.
        var idle = taps.During(() => Thread.Sleep(2000));

        // A delta of 5,000 adds and 5,000 removes: store transaction, index merge, swap; taps go on meanwhile.
        rss.Reset();
        var stamp = lists.Live.Current.DenyStamp.Version;
        var delta = new DenyListDelta
        {
            FromVersion = stamp,
            ToVersion = stamp + 1,
            Added = BenchData.DenyEntries(5000, new Random(BenchData.Seed + 2)).ToArray(),
            Removed = BenchData.DenyEntries(denyCount, new Random(BenchData.Seed)).Take(Math.Min(5000, denyCount / 2)).Select(d => d.Key).ToArray(),
        };
        var deltaMs = 0.0;
        var duringDelta = taps.During(() =>
        {
            var timer = Stopwatch.StartNew();
            lists.ApplyDenyDelta(delta);
            deltaMs = timer.Elapsed.TotalMilliseconds;
            Thread.Sleep(1000); // the background collection after the swap runs on; keep sampling
        });
        var peakDelta = rss.Peak;

        // A full deny list snapshot streamed in while the old one is live (what a re-download does); the stream states its count.
        rss.Reset();
        var gen2BeforeApply = GC.CollectionCount(2);
        var snapshotMs = 0.0;
        var duringApply = taps.During(() =>
        {
            var timer = Stopwatch.StartNew();
            lists.ApplyDenySnapshot(delta.ToVersion + 1, BenchData.DenyEntries(denyCount, new Random(BenchData.Seed)), denyCount);
            snapshotMs = timer.Elapsed.TotalMilliseconds;
            Thread.Sleep(1000);
        });
        var peakApply = rss.Peak;
        var gen2Apply = GC.CollectionCount(2) - gen2BeforeApply;
        var rssAfterApply = rss.Rss;

        Array.Sort(elapsed);
        var limit = HashLimit(denyCount, entitlementCount, decisions, denied, holders);
        const double mb = 1024.0 * 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
            deny={denyCount:N0} entitlements={entitlementCount:N0} decisions={decisions:N0} store={new FileInfo(work).Length / mb:F1} MB
              index build (open store, read all, sort, index): {buildMs:F0} ms; managed heap after it {heapAfterBuild / mb:F0} MB live
              decision latency: median {Taps.Us(elapsed, 0.5):F2} us, p99 {Taps.Us(elapsed, 0.99):F2} us, p99.9 {Taps.Us(elapsed, 0.999):F2} us, max {Taps.Us(elapsed, 1.0):F0} us; GCs gen0 {gc.Gen0}, gen2 {gc.Gen2}
              RSS: before open {rssBefore / mb:F0} MB; start: peak {peakStart / mb:F0} MB, after {rssAfterBuild / mb:F0} MB; in service: after decisions {rssService / mb:F0} MB, peak {peakService / mb:F0} MB
              taps idle (one due every 2 ms): {Taps.Describe(idle)}
              delta (5,000 adds + {delta.Removed.Count:N0} removes; store + index + swap): {deltaMs:F0} ms; peak RSS {peakDelta / mb:F0} MB; taps meanwhile: {Taps.Describe(duringDelta)}
              full deny snapshot re-applied while live ({denyCount:N0} entries streamed; index + store + swap): {snapshotMs:F0} ms; peak RSS {peakApply / mb:F0} MB (until 1 s after), RSS after {rssAfterApply / mb:F0} MB; gen2 GCs {gen2Apply}
                taps meanwhile: {Taps.Describe(duringApply)}
              limit, the same taps looked up in a HashSet of the deny tokens and dictionaries of the entitlements: median {Taps.Us(limit, 0.5):F2} us, p99 {Taps.Us(limit, 0.99):F2} us
              outcomes: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}
            """));
        return new MeasureResult
        {
            Deny = denyCount,
            Entitlements = entitlementCount,
            Decisions = decisions,
            StoreMb = new FileInfo(work).Length / mb,
            BuildMs = buildMs,
            MedianUs = Taps.Us(elapsed, 0.5),
            P99Us = Taps.Us(elapsed, 0.99),
            P999Us = Taps.Us(elapsed, 0.999),
            LimitMedianUs = Taps.Us(limit, 0.5),
            LimitP99Us = Taps.Us(limit, 0.99),
            PeakStartMb = peakStart / mb,
            AfterStartMb = rssAfterBuild / mb,
            ServiceMb = rssService / mb,
            PeakDeltaMb = peakDelta / mb,
            PeakApplyMb = peakApply / mb,
            AfterApplyMb = rssAfterApply / mb,
            DeltaMs = deltaMs,
            SnapshotMs = snapshotMs,
            IdleTapP99Us = Taps.Us(idle.Decisions, 0.99),
            DeltaTapP99Us = Taps.Us(duringDelta.Decisions, 0.99),
            ApplyTapP99Us = Taps.Us(duringApply.Decisions, 0.99),
            IdleDueP99Ms = Taps.Us(idle.FromDue, 0.99) / 1000,
            ApplyDueP99Ms = Taps.Us(duringApply.FromDue, 0.99) / 1000,
        };
    }

    /// <summary>
    /// The limit: the same taps (same seed, same warm-up) looked up in the plainest in-memory structures — a
    /// <see cref="HashSet{T}"/> of the deny tokens and dictionaries of the entitlements by token and by PAR — with no
    /// clock, expiry, repeat-tap or policy logic. Built after the measured phases so it adds nothing to their RSS.
    /// </summary>
    private static long[] HashLimit(int denyCount, int entitlementCount, int decisions, DenyEntry[] denied, Entitlement[] holders)
    {
        var random = new Random(BenchData.Seed);
        var deny = new HashSet<CardToken>(denyCount);
        foreach (var d in BenchData.DenyEntries(denyCount, random)) deny.Add(d.Token);
        var byToken = new Dictionary<CardToken, Entitlement>();
        var byPar = new Dictionary<string, Entitlement>(StringComparer.Ordinal);
        foreach (var e in BenchData.Entitlements(entitlementCount, random))
        {
            if (e.Token is { } token) byToken[token] = e;
            if (e.Par is { } par) byPar[par] = e;
        }
        var tapRandom = new Random(BenchData.Seed + 1);
        var found = 0;
        for (var i = 0; i < WarmUp; i++) found += Lookup(Taps.Next(tapRandom, denied, holders).Identity!);
        var elapsed = new long[decisions];
        for (var i = 0; i < decisions; i++)
        {
            var card = Taps.Next(tapRandom, denied, holders).Identity!;
            var t0 = Stopwatch.GetTimestamp();
            found += Lookup(card);
            elapsed[i] = Stopwatch.GetTimestamp() - t0;
        }
        GC.KeepAlive(found);
        Array.Sort(elapsed);
        return elapsed;

        int Lookup(CardIdentity card)
        {
            if (deny.Contains(card.Token)) return 1;
            if (byToken.ContainsKey(card.Token)) return 2;
            return card.Par is { } par && byPar.ContainsKey(par) ? 3 : 0;
        }
    }

    private static void Collect()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
