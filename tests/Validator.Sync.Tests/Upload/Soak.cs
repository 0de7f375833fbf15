using System.Diagnostics;
using System.Globalization;
using Validator.Backoffice.Tests.Support;
using Validator.Sync.Upload;

namespace Validator.Sync.Tests.Upload;

/// <summary>Queued taps drained into the real back office over loopback; the rates go to docs/performance.md ("Upload").</summary>
public sealed class Soak
{
    [Test]
    public Task Ten_thousand_queued_taps_are_drained_into_the_back_office_exactly_once() => Drain(10_000);

    [Test]
    [Explicit("100,000 taps: about a minute to journal and a minute to drain; run for docs/performance.md")]
    public Task A_hundred_thousand_queued_taps_are_drained_into_the_back_office_exactly_once() => Drain(100_000);

    private static async Task Drain(int count)
    {
        await using var backoffice = await TestBackoffice.StartAsync();
        using var device = DeviceRig.Create(backoffice.Url, backoffice.Running.PublicKeyPem);
        var journaling = Stopwatch.StartNew();
        var taps = device.Append(count);
        journaling.Stop();
        var bytesPerTap = (double)device.Journal.SizeBytes / count;
        var wireBytesPerTap = (double)System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new Core.Sync.TapBatch { Taps = taps.Take(500).ToList() }, Core.Sync.SyncJsonContext.Default.TapBatch).Length / Math.Min(500, count);
        var gzippedBytesPerTap = (double)Sync.Upstream.UpstreamClient.Gzip(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new Core.Sync.TapBatch { Taps = taps.Take(500).ToList() }, Core.Sync.SyncJsonContext.Default.TapBatch)).Length / Math.Min(500, count);

        var draining = Stopwatch.StartNew();
        var report = await device.Uploader.DrainAsync();
        draining.Stop();

        var stats = await backoffice.StatsAsync();
        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That(report.Acknowledged, Is.EqualTo(count));
        Assert.That(stats.TapsStored, Is.EqualTo(count));
        Assert.That(stats.DuplicatesReceived, Is.Zero);
        Assert.That(stats.BatchesReceived, Is.EqualTo((count + 499) / 500));
        Assert.That(device.Journal.UnsentCount, Is.Zero);
        Assert.That(device.Journal.AcknowledgedThrough, Is.EqualTo(taps[^1].Sequence));

        var rate = count / draining.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak {count} taps: journaled in {journaling.Elapsed.TotalSeconds:0.0} s; drained in {draining.Elapsed.TotalSeconds:0.00} s = {rate:0} taps/s; " +
            $"upload round trip per 500-tap batch p50 {device.Uploader.UploadLatency.Percentile(50):0.0} ms, p99 {device.Uploader.UploadLatency.Percentile(99):0.0} ms; journal {bytesPerTap:0.0} bytes/tap, JSON {wireBytesPerTap:0} bytes/tap, gzipped on the wire {gzippedBytesPerTap:0} bytes/tap"));
        // Far below the 2,000 taps/s target: only a pathological slowdown should fail here on a busy shared machine.
        Assert.That(rate, Is.GreaterThan(200));
    }
}
