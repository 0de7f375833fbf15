namespace Validator.Core.Taps;

/// <summary>
/// Durations counted in fixed buckets, log-spaced from 10 µs to 10 s (20 per decade, each 12.2 % wider than the one
/// before), plus one below and one above. Recording is one <see cref="Interlocked"/> increment: no lock, no
/// allocation, safe from any thread, so the tap path can afford it. Quantiles are estimated from the buckets: the
/// estimate is the upper edge of the bucket holding the wanted sample (never below the true value, at most one bucket
/// width above it), capped at the largest duration seen.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Buckets per decade; the relative width of a bucket is 10^(1/20) - 1 ≈ 12.2 %.</summary>
    public const int BucketsPerDecade = 20;

    private const int Decades = 6;
    private const long LowestTicks = 100; // 10 µs in TimeSpan ticks
    private const int LogBuckets = BucketsPerDecade * Decades;
    private const int BucketCount = LogBuckets + 2; // [0, 10 µs), the log buckets, [10 s, ∞)

    private readonly long[] _buckets = new long[BucketCount];
    private long _maxTicks;

    /// <summary>The smallest duration with a bucket of its own; shorter ones share the first.</summary>
    public static TimeSpan Lowest { get; } = TimeSpan.FromTicks(LowestTicks);

    /// <summary>The largest duration with a bucket of its own; longer ones share the last (their maximum is kept).</summary>
    public static TimeSpan Highest { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Counts one duration; a negative one counts as zero.</summary>
    public void Record(TimeSpan duration)
    {
        var ticks = Math.Max(0, duration.Ticks);
        Interlocked.Increment(ref _buckets[BucketOf(ticks)]);
        var max = Interlocked.Read(ref _maxTicks);
        while (ticks > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxTicks, ticks, max);
            if (seen == max) break;
            max = seen;
        }
    }

    /// <summary>Durations recorded so far.</summary>
    public long Count
    {
        get
        {
            long count = 0;
            for (var i = 0; i < BucketCount; i++) count += Interlocked.Read(ref _buckets[i]);
            return count;
        }
    }

    /// <summary>The largest duration recorded; zero before the first.</summary>
    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    /// <summary>The estimated <paramref name="quantile"/> (0..1) of the recorded durations; zero before the first.</summary>
    public TimeSpan Quantile(double quantile)
    {
        Span<long> counts = stackalloc long[BucketCount];
        var total = Copy(counts);
        return Quantile(counts, total, quantile, Max);
    }

    /// <summary>Count, median, 95th and 99th percentile and maximum of the durations, from one consistent look.</summary>
    public StepLatency Summarize(string step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(step);
        Span<long> counts = stackalloc long[BucketCount];
        var total = Copy(counts);
        var max = Max;
        return new StepLatency
        {
            Step = step,
            Count = total,
            P50Ms = Milliseconds(Quantile(counts, total, 0.50, max)),
            P95Ms = Milliseconds(Quantile(counts, total, 0.95, max)),
            P99Ms = Milliseconds(Quantile(counts, total, 0.99, max)),
            MaxMs = Milliseconds(max),
        };
    }

    /// <summary>The upper edge of the bucket that <paramref name="duration"/> falls in (<see cref="TimeSpan.MaxValue"/> above <see cref="Highest"/>).</summary>
    public static TimeSpan BucketUpperEdge(TimeSpan duration) => TimeSpan.FromTicks(UpperTicks(BucketOf(Math.Max(0, duration.Ticks))));

    private static int BucketOf(long ticks)
    {
        if (ticks < LowestTicks) return 0;
        var bucket = 1 + (int)(Math.Log10((double)ticks / LowestTicks) * BucketsPerDecade);
        return Math.Min(bucket, BucketCount - 1);
    }

    private static long UpperTicks(int bucket) => bucket >= BucketCount - 1
        ? TimeSpan.MaxValue.Ticks
        : (long)Math.Round(LowestTicks * Math.Pow(10, (double)bucket / BucketsPerDecade));

    private long Copy(Span<long> counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _buckets[i]);
            total += counts[i];
        }
        return total;
    }

    private static TimeSpan Quantile(ReadOnlySpan<long> counts, long total, double quantile, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (total == 0) return TimeSpan.Zero;
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            // The maximum lies in or above this bucket, so the cap keeps the estimate inside it.
            if (seen >= rank) return TimeSpan.FromTicks(Math.Min(UpperTicks(i), max.Ticks));
        }
        return max;
    }

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);
}
