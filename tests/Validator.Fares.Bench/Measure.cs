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
        const double mb = 1024.0 * 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
            deny={denyCount:N0} entitlements={entitlementCount:N0} decisions={decisions:N0} store={new FileInfo(work).Length / mb:F1} MB
              index build (open store, read all, sort, index): {buildMs:F0} ms; managed heap after it {heapAfterBuild / mb:F0} MB live
              decision latency: median {Us(elapsed, 0.5):F2} us, p99 {Us(elapsed, 0.99):F2} us, p99.9 {Us(elapsed, 0.999):F2} us, max {Us(elapsed, 1.0):F0} us; GCs gen0 {gc.Gen0}, gen2 {gc.Gen2}
              RSS: before open {rssBefore / mb:F0} MB; start: peak {peakStart / mb:F0} MB, after {rssAfterBuild / mb:F0} MB; in service: after decisions {rssService / mb:F0} MB, peak {peakService / mb:F0} MB
              taps idle (one due every 2 ms): {Describe(idle)}
              delta (5,000 adds + {delta.Removed.Count:N0} removes; store + index + swap): {deltaMs:F0} ms; peak RSS {peakDelta / mb:F0} MB; taps meanwhile: {Describe(duringDelta)}
              full deny snapshot re-applied while live ({denyCount:N0} entries streamed; index + store + swap): {snapshotMs:F0} ms; peak RSS {peakApply / mb:F0} MB (until 1 s after), RSS after {rssAfterApply / mb:F0} MB; gen2 GCs {gen2Apply}
                taps meanwhile: {Describe(duringApply)}
              outcomes: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}
            """));
    }

    private static double Us(long[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)] * 1e6 / Stopwatch.Frequency;

    private static string Describe(Taps taps) => string.Create(CultureInfo.InvariantCulture,
        $"{taps.Decisions.Length:N0} taps; decision median {Us(taps.Decisions, 0.5):F1} us, p99 {Us(taps.Decisions, 0.99):F1} us, max {Us(taps.Decisions, 1.0):F0} us; "
        + $"from due to decided p99 {Us(taps.FromDue, 0.99) / 1000:F2} ms, max {Us(taps.FromDue, 1.0) / 1000:F2} ms; "
        + $"GC pauses {taps.GcPaused.TotalMilliseconds:F1} ms in all, blocking full GC {(taps.LastBlockingFullGc is { } p ? $"{p.TotalMilliseconds:F1} ms" : "none")}");

    /// <summary>
    /// Taps on a thread of their own while something else runs, one due every 2 ms on a fixed schedule. A tap's time is
    /// from when it was due to when its decision was made, so a tap that fell due during a blocking collection (the
    /// thread waiting in Sleep is held when it wakes) counts the wait, as a passenger at the reader would. The idle run
    /// gives the floor: Sleep wakes up to about a millisecond late.
    /// </summary>
    private sealed class TapLoop(FareService service, FixedTime time, TapLocation[] lines, Random random, DenyEntry[] denied, Entitlement[] holders)
    {
        private static readonly long Every = Stopwatch.Frequency / 500;

        /// <summary>Runs <paramref name="work"/> with taps going on; returns the taps' decision times and times from due, and the GC pauses meanwhile.</summary>
        public Taps During(Action work)
        {
            var latencies = new List<long>(100_000);
            var decisions = new List<long>(100_000);
            var pausedBefore = GC.GetTotalPauseDuration();
            var blockingBefore = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;
            var stop = false;
            var tapper = new Thread(() =>
            {
                var due = Stopwatch.GetTimestamp() + Every;
                for (var i = 0; !Volatile.Read(ref stop); i++, due += Every)
                {
                    while (Stopwatch.GetTimestamp() < due) Thread.Sleep(1); // a tap is an event: leave the other core to the work
                    time.Now = time.Now.AddMilliseconds(200);
                    var tap = NextTap(random, denied, holders);
                    var start = Stopwatch.GetTimestamp();
                    service.Decide(tap, lines[i % lines.Length]);
                    var done = Stopwatch.GetTimestamp();
                    decisions.Add(done - start);
                    latencies.Add(done - due);
                    if (done - due > Every) due = done; // after a stall, taps resume their pace rather than queue up
                }
            }) { Name = "taps" };
            tapper.Start();
            try
            {
                work();
            }
            finally
            {
                Volatile.Write(ref stop, true);
                tapper.Join();
            }
            var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            return new Taps(Sorted(decisions), Sorted(latencies), GC.GetTotalPauseDuration() - pausedBefore,
                blocking.Index > blockingBefore ? blocking.PauseDurations[0] : null);
        }

        private static long[] Sorted(List<long> values)
        {
            var sorted = values.ToArray();
            Array.Sort(sorted);
            return sorted;
        }
    }

    /// <summary>What taps saw while something ran: decision times, times from due to decided (sorted), GC pauses.</summary>
    private sealed record Taps(long[] Decisions, long[] FromDue, TimeSpan GcPaused, TimeSpan? LastBlockingFullGc);

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
}
