using System.Diagnostics;
using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Storage.Lists;

namespace Validator.Fares.Bench;

/// <summary>One bench size in a fresh process: build the index from the store, decide, report.</summary>
internal static class Measure
{
    private sealed class Synced : IClockSyncSource
    {
        public bool IsSynchronized => true;
    }

    private sealed class NoFile : ILastTrustedTime
    {
        public DateTimeOffset? Load() => null;
        public void Save(DateTimeOffset time) { }
    }

    public static void Run(int denyCount, int entitlementCount, int decisions, string dir)
    {
        var path = Prepare.PathFor(denyCount, entitlementCount, dir);
        // Replay the generator to keep a small sample of listed cards; the lists themselves come from the store.
        var random = new Random(BenchData.Seed);
        var denied = BenchData.DenyEntries(denyCount, random).Where((_, i) => i % Math.Max(1, denyCount / 2000) == 0).ToArray();
        var holders = BenchData.Entitlements(entitlementCount, random).Where((_, i) => i % 5 == 0).ToArray();
        var work = Path.Combine(dir, "measure.db");
        File.Copy(path, work, overwrite: true);
        Collect();
        var rssBefore = Rss();

        var time = new FixedTime(BenchData.ListsUpdated);
        var build = Stopwatch.StartNew();
        using var lists = StoredLists.Open(work, time);
        var buildMs = build.Elapsed.TotalMilliseconds;
        var peakBuild = PeakRss();
        Collect();
        var rssAfterBuild = Rss();
        var heapAfterBuild = GC.GetTotalMemory(false);
        var committedAfterBuild = GC.GetGCMemoryInfo().TotalCommittedBytes;

        var clockStart = new DateTimeOffset(2026, 10, 5, 5, 0, 0, TimeSpan.Zero); // Monday 07:00 in Berlin
        time.Now = clockStart;
        var service = new FareService(lists.Live, new ClockTrustMonitor(time, new Synced(), new NoFile()), new RepeatTapTracker());
        var lines = BenchData.Lines.Select(l => new TapLocation(l, "Bernburg ZOB")).ToArray();
        var tapRandom = new Random(BenchData.Seed + 1);
        for (var i = 0; i < 20_000; i++) service.Decide(NextTap(tapRandom, denied, holders), lines[i % lines.Length]); // warm-up: JIT tiers

        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var elapsed = new long[decisions];
        for (var i = 0; i < decisions; i++)
        {
            time.Now = clockStart.AddMilliseconds(200L * i); // 200,000 taps from 07:00 to 18:07
            var tap = NextTap(tapRandom, denied, holders);
            var t0 = Stopwatch.GetTimestamp();
            var decision = service.Decide(tap, lines[i % lines.Length]);
            elapsed[i] = Stopwatch.GetTimestamp() - t0;
            outcomes[decision.Reason] = outcomes.GetValueOrDefault(decision.Reason) + 1;
        }
        var gc = (Gen0: GC.CollectionCount(0) - gen0, Gen2: GC.CollectionCount(2) - gen2);
        var rssAfterDecisions = Rss();
        var peakAll = PeakRss();

        // A delta of 1,000 adds and up to 1,000 removes: store transaction, index merge, swap.
        var stamp = lists.Live.Current.DenyStamp.Version;
        var delta = new DenyListDelta
        {
            FromVersion = stamp,
            ToVersion = stamp + 1,
            Added = BenchData.DenyEntries(1000, new Random(BenchData.Seed + 2)).ToArray(),
            Removed = denied.Take(1000).Select(d => d.Key).ToArray(),
        };
        var deltaTimer = Stopwatch.StartNew();
        lists.ApplyDenyDelta(delta);
        var deltaMs = deltaTimer.Elapsed.TotalMilliseconds;

        // A full deny list snapshot streamed in while the old one is live (what a re-download does).
        var snapshotTimer = Stopwatch.StartNew();
        lists.ApplyDenySnapshot(delta.ToVersion + 1, BenchData.DenyEntries(denyCount, new Random(BenchData.Seed)));
        var snapshotMs = snapshotTimer.Elapsed.TotalMilliseconds;
        var peakAfterSnapshot = PeakRss();
        var rssAfterSnapshot = Rss();

        Array.Sort(elapsed);
        double Us(double q) => elapsed[(int)Math.Min(elapsed.Length - 1, Math.Ceiling(q * elapsed.Length) - 1)] * 1e6 / Stopwatch.Frequency;
        const double mb = 1024.0 * 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
            deny={denyCount:N0} entitlements={entitlementCount:N0} decisions={decisions:N0} store={new FileInfo(work).Length / mb:F1} MB
              index build (open store, read all, sort, index): {buildMs:F0} ms
              decision latency: median {Us(0.5):F2} us, p99 {Us(0.99):F2} us, p99.9 {Us(0.999):F2} us, max {Us(1.0):F0} us
              GCs during decisions: gen0 {gc.Gen0}, gen2 {gc.Gen2}
              RSS: before open {rssBefore / mb:F0} MB, after index build {rssAfterBuild / mb:F0} MB, after decisions {rssAfterDecisions / mb:F0} MB; peak during build {peakBuild / mb:F0} MB, peak overall {peakAll / mb:F0} MB
              managed heap after index build: {heapAfterBuild / mb:F0} MB live, {committedAfterBuild / mb:F0} MB committed by the GC
              delta (1,000 adds + {delta.Removed.Count:N0} removes; store + index + swap): {deltaMs:F0} ms
              full deny snapshot re-applied while live ({denyCount:N0} entries streamed; index + store + swap): {snapshotMs:F0} ms, RSS after {rssAfterSnapshot / mb:F0} MB, peak so far {peakAfterSnapshot / mb:F0} MB
              outcomes: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}
            """));
    }

    /// <summary>1% denied cards (the blocked issue), 40% pass holders, the rest strangers paying as they go.</summary>
    private static CardReadResult NextTap(Random random, DenyEntry[] denied, Entitlement[] holders)
    {
        var roll = random.Next(100);
        CardIdentity card;
        if (roll == 0 && denied.Length > 0)
        {
            var d = denied[random.Next(denied.Length)];
            card = Card(d.Token, d.Expiry ?? "2812", d.Psn ?? 0, null);
        }
        else if (roll < 41)
        {
            var e = holders[random.Next(holders.Length)];
            card = Card(e.Token ?? BenchData.RandomToken(random), "2812", 0, e.Par);
        }
        else card = Card(BenchData.RandomToken(random), "2812", 0, null);
        return new CardReadResult { Outcome = CardReadOutcome.Identified, Identity = card };
    }

    private static CardIdentity Card(CardToken token, string expiry, byte psn, string? par) => new()
    {
        Kind = CardKind.Emv, Brand = "Mastercard", Token = token, Expiry = expiry, Psn = psn, Par = par, Last4 = "0000",
    };

    private static void Collect()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static long Rss()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    private static long PeakRss()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
