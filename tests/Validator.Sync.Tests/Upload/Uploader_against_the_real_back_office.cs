using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Taps;
using Validator.Sync.Upload;

namespace Validator.Sync.Tests.Upload;

public sealed class Uploader_against_the_real_back_office
{
    private TestBackoffice _backoffice = null!;
    private DeviceRig _device = null!;

    [SetUp]
    public async Task Start()
    {
        _backoffice = await TestBackoffice.StartAsync();
        _device = DeviceRig.Create(_backoffice.Url, _backoffice.Running.PublicKeyPem);
    }

    [TearDown]
    public async Task Stop()
    {
        _device.Dispose();
        await _backoffice.DisposeAsync();
    }

    private async Task AssertDeliveredExactlyOnce(List<TapRecord> taps)
    {
        var stored = await _backoffice.StoredTapsAsync(TestBackoffice.DeviceA);
        Assert.That(stored.Select(t => t.Id), Is.EqualTo(taps.Select(t => t.Id)), "every tap once, in sequence order");
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.EqualTo(taps.Count));
        Assert.That(_device.Journal.UnsentCount, Is.Zero);
        Assert.That(_device.Journal.AcknowledgedThrough, Is.EqualTo(taps[^1].Sequence));
    }

    [Test]
    public async Task The_journal_is_drained_in_batches_and_acknowledged_on_the_receipt()
    {
        var taps = _device.Append(1234);

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That(report.Acknowledged, Is.EqualTo(1234));
        Assert.That((await _backoffice.StatsAsync()).BatchesReceived, Is.EqualTo(3), "500 + 500 + 234");
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task With_the_server_down_nothing_is_acknowledged_and_the_uploader_backs_off_until_it_is_back()
    {
        // The breaker would stay open for its 30 s of real time after the outage; it has its own test below.
        _device.Dispose();
        _device = DeviceRig.Create(_backoffice.Url, _backoffice.Running.PublicKeyPem, o => o.BreakerMinimumThroughput = 1_000);
        var taps = _device.Append(700);
        Assert.That((await _device.Uploader.DrainAsync()).Outcome, Is.EqualTo(UploadOutcome.Drained));
        taps.AddRange(_device.Append(900));
        await _backoffice.StopAsync();

        var down = await _device.Uploader.DrainAsync();
        var meanwhile = await _device.Uploader.DrainAsync();

        Assert.That(down.Outcome, Is.EqualTo(UploadOutcome.Failed));
        Assert.That(down.NextAttemptAt, Is.GreaterThan(_device.Clock.GetUtcNow()));
        Assert.That(meanwhile.Outcome, Is.EqualTo(UploadOutcome.BackingOff), "no new attempt before the backoff runs out");
        Assert.That(_device.Journal.UnsentCount, Is.EqualTo(900));

        await _backoffice.StartAgainAsync();
        _device.WaitOutBackoff();
        var back = await _device.Uploader.DrainAsync();

        Assert.That(back.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That(_device.Uploader.State.ConsecutiveFailures, Is.Zero);
        await AssertDeliveredExactlyOnce(taps);
    }

    [TestCase(500)]
    [TestCase(503)]
    public async Task Server_errors_are_retried_within_the_request_and_every_tap_arrives_once(int status)
    {
        var taps = _device.Append(600);
        await _backoffice.SetChaosAsync(new ChaosRequest { FailWithStatus = status, Count = 2, Endpoint = "taps" });

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That((await _backoffice.ChaosStateAsync()).Applied, Is.EqualTo(2));
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task A_503_with_Retry_After_is_waited_out_instead_of_the_short_retry_delay()
    {
        var taps = _device.Append(10);
        await _backoffice.SetChaosAsync(new ChaosRequest { FailWithStatus = 503, RetryAfterSeconds = 1, Count = 1, Endpoint = "taps" });

        var stopwatch = Stopwatch.StartNew();
        var report = await _device.Uploader.DrainAsync();
        stopwatch.Stop();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)), "the retry delay is 20 ms; only Retry-After makes it a second");
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task A_429_with_a_long_Retry_After_becomes_the_uploaders_backoff_without_a_retry()
    {
        _device.Append(10);
        await _backoffice.SetChaosAsync(new ChaosRequest { FailWithStatus = 429, RetryAfterSeconds = 600, Count = 5, Endpoint = "taps" });

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Failed));
        Assert.That(report.NextAttemptAt - _device.Clock.GetUtcNow(), Is.EqualTo(TimeSpan.FromSeconds(600)));
        Assert.That((await _backoffice.ChaosStateAsync()).Applied, Is.EqualTo(1), "asked to wait ten minutes, the device does not retry at once");
        Assert.That(_device.Journal.UnsentCount, Is.EqualTo(10));
    }

    [Test]
    public async Task An_attempt_that_times_out_is_retried_and_nothing_is_duplicated()
    {
        _device.Dispose();
        _device = DeviceRig.Create(_backoffice.Url, _backoffice.Running.PublicKeyPem, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(400));
        var taps = _device.Append(50);
        await _backoffice.SetChaosAsync(new ChaosRequest { DelayMilliseconds = 60_000, Count = 1, Endpoint = "taps" });

        var stopwatch = Stopwatch.StartNew();
        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the minute-long attempt was cut at the attempt timeout, not waited out");
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task A_slow_server_within_the_timeout_still_gets_every_tap_once()
    {
        var taps = _device.Append(1500);
        await _backoffice.SetChaosAsync(new ChaosRequest { DelayMilliseconds = 300, Count = 3, Endpoint = "taps" });

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That((await _backoffice.ChaosStateAsync()).Applied, Is.EqualTo(3));
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task A_connection_cut_after_the_server_stored_the_batch_causes_a_resend_but_no_duplicate()
    {
        var taps = _device.Append(800);
        await _backoffice.SetChaosAsync(new ChaosRequest { AbortAfterStore = true, Count = 1, Endpoint = "taps" });

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That((await _backoffice.StatsAsync()).DuplicatesReceived, Is.EqualTo(500), "the first batch really was sent twice");
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task A_batch_the_server_refuses_as_malformed_is_set_aside_and_the_taps_behind_it_go_on()
    {
        var taps = _device.Append(1200);
        await _backoffice.SetChaosAsync(new ChaosRequest { FailWithStatus = 400, Count = 1, Endpoint = "taps" });

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained));
        Assert.That(report.SetAside, Is.EqualTo(500));
        Assert.That((await _backoffice.ChaosStateAsync()).Applied, Is.EqualTo(1), "a 400 is not retried");
        var aside = _device.Uploader.SetAsideBatches().Single();
        Assert.That(aside.Taps.Select(t => t.Id), Is.EqualTo(taps.Take(500).Select(t => t.Id)));
        Assert.That(aside.Reason, Does.Contain("400"));
        Assert.That(_device.Uploader.State.BatchesSetAside, Is.EqualTo(1));
        var stored = await _backoffice.StoredTapsAsync(TestBackoffice.DeviceA);
        Assert.That(stored.Select(t => t.Id), Is.EqualTo(taps.Skip(500).Select(t => t.Id)));
        Assert.That(_device.Journal.UnsentCount, Is.Zero);
    }

    [Test]
    public async Task A_404_from_a_wrong_address_sets_nothing_aside_and_backs_off()
    {
        _device.Dispose();
        _device = DeviceRig.Create(new Uri(_backoffice.Url, "not-the-api/"), _backoffice.Running.PublicKeyPem);
        _device.Append(5);

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Failed));
        Assert.That(report.Problem, Does.Contain("404").And.Contain("Sync:UpstreamUrl"));
        Assert.That(_device.Uploader.SetAsideBatches(), Is.Empty);
        Assert.That(_device.Journal.UnsentCount, Is.EqualTo(5));
    }

    [Test]
    public async Task A_wrong_secret_sends_nothing_and_backs_off()
    {
        _device.Dispose();
        _device = DeviceRig.Create(_backoffice.Url, _backoffice.Running.PublicKeyPem, secret: "this-is-not-the-secret-of-a");
        _device.Append(5);

        var report = await _device.Uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Failed));
        Assert.That(report.Problem, Does.Contain("401"));
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.Zero);
        Assert.That(_device.Journal.UnsentCount, Is.EqualTo(5));
    }

    [Test]
    public async Task The_cursor_and_the_backoff_survive_a_restart_and_delivery_resumes_where_it_stopped()
    {
        var taps = _device.Append(600);
        Assert.That((await _device.Uploader.DrainAsync()).Outcome, Is.EqualTo(UploadOutcome.Drained));
        taps.AddRange(_device.Append(400));
        await _backoffice.StopAsync();
        var failed = await _device.Uploader.DrainAsync();

        _device.Restart();

        Assert.That(_device.Uploader.State.NextAttemptAt, Is.EqualTo(failed.NextAttemptAt));
        Assert.That((await _device.Uploader.DrainAsync()).Outcome, Is.EqualTo(UploadOutcome.BackingOff));
        await _backoffice.StartAgainAsync();
        _device.WaitOutBackoff();
        Assert.That((await _device.Uploader.DrainAsync()).Outcome, Is.EqualTo(UploadOutcome.Drained));
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task A_backoff_set_before_the_wall_clock_was_set_back_does_not_hold_uploads_for_the_jump()
    {
        _device.Dispose();
        _device = DeviceRig.Create(_backoffice.Url, _backoffice.Running.PublicKeyPem, o => o.BreakerMinimumThroughput = 1_000);
        var taps = _device.Append(3);
        await _backoffice.StopAsync();
        var failed = await _device.Uploader.DrainAsync();
        Assert.That(failed.Outcome, Is.EqualTo(UploadOutcome.Failed));
        await _backoffice.StartAgainAsync();

        // The device clock is set back three hours (NTP correcting a clock that ran ahead): the backoff saved in wall
        // time now lies hours away, far beyond any backoff the uploader sets.
        _device.Uploader.Dispose();
        using var uploader = new Uploader(_device.Journal, _device.Client, _device.Options, new FakeTimeProvider(_device.Clock.GetUtcNow().AddHours(-3)));
        var report = await uploader.DrainAsync();

        Assert.That(report.Outcome, Is.EqualTo(UploadOutcome.Drained), report.Problem);
        await AssertDeliveredExactlyOnce(taps);
    }

    [Test]
    public async Task After_repeated_failures_the_circuit_opens_and_the_next_drain_fails_without_touching_the_network()
    {
        _device.Append(5);
        await _backoffice.SetChaosAsync(new ChaosRequest { FailWithStatus = 500, Count = 100, Endpoint = "taps" });

        var first = await _device.Uploader.DrainAsync();
        var appliedAfterFirst = (await _backoffice.ChaosStateAsync()).Applied;
        _device.WaitOutBackoff();
        var second = await _device.Uploader.DrainAsync();

        Assert.That(first.Outcome, Is.EqualTo(UploadOutcome.Failed));
        Assert.That(appliedAfterFirst, Is.EqualTo(4), "one attempt and three retries");
        Assert.That(second.Problem, Does.Contain("circuit"));
        Assert.That((await _backoffice.ChaosStateAsync()).Applied, Is.EqualTo(4), "the open circuit kept the second drain off the wire");
    }
}
