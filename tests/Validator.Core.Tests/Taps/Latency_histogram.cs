using Validator.Core.Taps;

namespace Validator.Core.Tests.Taps;

/// <summary>The per-step latency histogram: fixed log buckets, quantiles within one bucket, no sample lost across threads.</summary>
public sealed class Latency_histogram
{
    /// <summary>A bucket's upper edge is at most this much above anything in it.</summary>
    private const double BucketRatio = 1.1220184543019633; // 10^(1/20)

    [Test]
    public void An_empty_histogram_counts_nothing_and_estimates_zero()
    {
        var histogram = new LatencyHistogram();

        var summary = histogram.Summarize("read");

        Assert.That(histogram.Count, Is.Zero);
        Assert.That(histogram.Quantile(0.99), Is.EqualTo(TimeSpan.Zero));
        Assert.That(summary, Is.EqualTo(new StepLatency { Step = "read", Count = 0, P50Ms = 0, P95Ms = 0, P99Ms = 0, MaxMs = 0 }));
    }

    [Test]
    public void Quantiles_of_one_to_a_thousand_milliseconds_are_within_one_bucket_above_the_true_value()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1000; ms >= 1; ms--) histogram.Record(TimeSpan.FromMilliseconds(ms));

        foreach (var (quantile, truth) in new[] { (0.50, 500.0), (0.95, 950.0), (0.99, 990.0), (0.001, 1.0) })
        {
            var estimate = histogram.Quantile(quantile).TotalMilliseconds;
            Assert.That(estimate, Is.GreaterThanOrEqualTo(truth).And.LessThanOrEqualTo(truth * BucketRatio), $"q{quantile}");
        }
        Assert.That(histogram.Count, Is.EqualTo(1000));
        Assert.That(histogram.Max, Is.EqualTo(TimeSpan.FromMilliseconds(1000)));
        Assert.That(histogram.Quantile(1), Is.EqualTo(TimeSpan.FromMilliseconds(1000)), "the top quantile is the exact maximum");
    }

    [Test]
    public void A_skewed_tail_shows_in_p99_and_max_but_not_in_the_median()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 98; i++) histogram.Record(TimeSpan.FromMicroseconds(900));
        histogram.Record(TimeSpan.FromMilliseconds(40));
        histogram.Record(TimeSpan.FromMilliseconds(250));

        var summary = histogram.Summarize("total");

        Assert.That(summary.Count, Is.EqualTo(100));
        Assert.That(summary.P50Ms, Is.InRange(0.9, 0.9 * BucketRatio));
        Assert.That(summary.P95Ms, Is.InRange(0.9, 0.9 * BucketRatio));
        Assert.That(summary.P99Ms, Is.InRange(40, 40 * BucketRatio), "the 99th of 100 is the 40 ms tap");
        Assert.That(summary.MaxMs, Is.EqualTo(250));
    }

    [Test]
    public void Every_bucket_edge_is_within_its_width_of_the_durations_it_holds_from_ten_microseconds_to_ten_seconds()
    {
        for (var ticks = 100L; ticks <= TimeSpan.TicksPerSecond * 10; ticks = ticks * 11 / 10 + 1)
        {
            var duration = TimeSpan.FromTicks(ticks);
            var edge = LatencyHistogram.BucketUpperEdge(duration);
            Assert.That(edge.Ticks, Is.GreaterThanOrEqualTo(ticks).And.LessThanOrEqualTo((long)Math.Ceiling(ticks * BucketRatio)), $"{duration}");
        }
    }

    [Test]
    public void Durations_outside_the_range_are_counted_and_capped_by_the_maximum()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.FromMicroseconds(2));
        histogram.Record(TimeSpan.FromTicks(-5));
        histogram.Record(TimeSpan.FromSeconds(42));

        Assert.That(histogram.Count, Is.EqualTo(3));
        Assert.That(histogram.Quantile(0.5), Is.LessThanOrEqualTo(LatencyHistogram.Lowest));
        Assert.That(histogram.Quantile(0.99), Is.EqualTo(TimeSpan.FromSeconds(42)), "above ten seconds the estimate is the maximum seen");
    }

    [Test]
    public void Concurrent_recording_counts_every_sample_and_keeps_the_largest()
    {
        var histogram = new LatencyHistogram();
        const int threads = 8;
        const int perThread = 50_000;
        using var start = new Barrier(threads);

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++) histogram.Record(TimeSpan.FromTicks(100 + (i * 7919L + t) % 10_000_000));
        });

        Assert.That(histogram.Count, Is.EqualTo(threads * perThread));
        var expectedMax = Enumerable.Range(0, threads).SelectMany(t => Enumerable.Range(0, perThread).Select(i => 100 + (i * 7919L + t) % 10_000_000)).Max();
        Assert.That(histogram.Max.Ticks, Is.EqualTo(expectedMax));
    }

    [Test]
    public void Tap_latencies_count_each_tap_in_every_step_and_total_is_the_sum()
    {
        var latencies = new TapLatencies();
        latencies.Record(new TapTimings(TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(80), TimeSpan.FromMicroseconds(40), TimeSpan.FromMilliseconds(2), TimeSpan.FromMicroseconds(15), TimeSpan.FromMilliseconds(1.5)));
        latencies.Record(new TapTimings(TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(120), TimeSpan.FromMicroseconds(50), TimeSpan.FromMilliseconds(3), TimeSpan.FromMicroseconds(20)));

        var steps = latencies.Summarize();

        Assert.That(steps.Select(s => s.Step), Is.EqualTo(new[] { "connect", "read", "decide", "journal", "disk sync", "feedback", "total" }));
        Assert.That(steps.Select(s => s.Count), Is.All.EqualTo(2));
        Assert.That(latencies.Count, Is.EqualTo(2));
        Assert.That(steps.Single(s => s.Step == "read").MaxMs, Is.EqualTo(120));
        Assert.That(steps.Single(s => s.Step == "total").MaxMs, Is.EqualTo(127.07), "the disk's sync is inside the journal step, not added to the total");
        Assert.That(steps.Single(s => s.Step == "disk sync").MaxMs, Is.EqualTo(1.5));
    }
}
