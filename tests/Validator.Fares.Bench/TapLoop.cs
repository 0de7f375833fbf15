using System.Diagnostics;
using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Lists;

namespace Validator.Fares.Bench;

/// <summary>
/// Taps on a thread of their own while something else runs, one due every 2 ms on a fixed schedule. A tap's time is
/// from when it was due to when its decision was made, so a tap that fell due during a blocking collection (the
/// thread waiting in Sleep is held when it wakes) counts the wait, as a passenger at the reader would. The idle run
/// gives the floor: Sleep wakes up to about a millisecond late.
/// </summary>
internal sealed class TapLoop(FareService service, FixedTime time, TapLocation[] lines, Random random, DenyEntry[] denied, Entitlement[] holders)
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
                var tap = Taps.Next(random, denied, holders);
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
internal sealed record Taps(long[] Decisions, long[] FromDue, TimeSpan GcPaused, TimeSpan? LastBlockingFullGc)
{
    /// <summary>The <paramref name="q"/> quantile of sorted Stopwatch ticks, in microseconds.</summary>
    public static double Us(long[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)] * 1e6 / Stopwatch.Frequency;

    /// <summary>One line for the console.</summary>
    public static string Describe(Taps taps) => string.Create(CultureInfo.InvariantCulture,
        $"{taps.Decisions.Length:N0} taps; decision median {Us(taps.Decisions, 0.5):F1} us, p99 {Us(taps.Decisions, 0.99):F1} us, max {Us(taps.Decisions, 1.0):F0} us; "
        + $"from due to decided p99 {Us(taps.FromDue, 0.99) / 1000:F2} ms, max {Us(taps.FromDue, 1.0) / 1000:F2} ms; "
        + $"GC pauses {taps.GcPaused.TotalMilliseconds:F1} ms in all, blocking full GC {(taps.LastBlockingFullGc is { } p ? $"{p.TotalMilliseconds:F1} ms" : "none")}");

    /// <summary>1% denied cards (the blocked issue), 40% pass holders, the rest strangers paying as they go.</summary>
    public static CardReadResult Next(Random random, DenyEntry[] denied, Entitlement[] holders)
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
}
