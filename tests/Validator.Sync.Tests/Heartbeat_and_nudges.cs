using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Core.Taps;
using Validator.Storage.Lists;
using Validator.Sync.Heartbeats;
using Validator.Sync.Lists;
using Validator.Sync.Services;

namespace Validator.Sync.Tests;

public sealed class Heartbeat_and_nudges
{
    private TestBackoffice _backoffice = null!;
    private DeviceRig _device = null!;
    private StoredLists _lists = null!;
    private ListUpdater _updater = null!;
    private HeartbeatSender _sender = null!;

    [SetUp]
    public async Task Start()
    {
        _backoffice = await TestBackoffice.StartAsync();
        _device = DeviceRig.Create(_backoffice.Url, _backoffice.Running.PublicKeyPem, o => o.ListPollInterval = TimeSpan.FromHours(1));
        _lists = StoredLists.Open(Path.Combine(_device.Directory, "lists.db"), TimeProvider.System);
        _updater = new ListUpdater(_lists, _device.Client, _device.Options);
        _sender = new HeartbeatSender(_device.Client, _device.Journal, _lists, _device.Uploader, _updater) { ReaderState = () => "ready" };
    }

    [TearDown]
    public async Task Stop()
    {
        _updater.Dispose();
        _lists.Dispose();
        _device.Dispose();
        await _backoffice.DisposeAsync();
    }

    [Test]
    public async Task The_back_office_keeps_what_the_heartbeat_says_about_the_device()
    {
        _device.Append(3);
        await _backoffice.AddDenyAsync(new DenyEntry { Token = TestTaps.Token(1), Reason = DenyReason.Lost, AddedAt = DateTimeOffset.UtcNow });
        await _updater.UpdateAsync();

        var reply = await _sender.SendAsync();
        var view = await _backoffice.Admin.GetFromJsonAsync($"/v1/admin/devices/{TestBackoffice.DeviceA}", SyncJsonContext.Default.DeviceView);

        Assert.That(reply, Is.Not.Null);
        var heartbeat = view!.LastHeartbeat!;
        Assert.That(heartbeat.QueueDepth, Is.EqualTo(3));
        Assert.That(heartbeat.Lists.DenyList, Is.EqualTo(1));
        Assert.That(heartbeat.ReaderState, Is.EqualTo("ready"));
        Assert.That(heartbeat.SoftwareVersion, Is.Not.Empty);
    }

    [Test]
    public async Task The_heartbeat_carries_the_tap_loops_per_step_latency_and_the_back_office_keeps_it()
    {
        var latencies = new TapLatencies();
        _sender.TapSteps = latencies;
        Assert.That(_sender.Build().Latency.TapSteps, Is.Null, "nothing to say before the first tap");
        foreach (var readMs in new[] { 60, 90, 300 })
            latencies.Record(new TapTimings(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(readMs), TimeSpan.FromMicroseconds(30), TimeSpan.FromMilliseconds(4), TimeSpan.FromMicroseconds(10)));

        var reply = await _sender.SendAsync();
        var view = await _backoffice.Admin.GetFromJsonAsync($"/v1/admin/devices/{TestBackoffice.DeviceA}", SyncJsonContext.Default.DeviceView);

        Assert.That(reply, Is.Not.Null);
        var figures = view!.LastHeartbeat!.Latency;
        Assert.That(figures.TapSteps!.Select(s => s.Step), Is.EqualTo(new[] { "connect", "read", "decide", "journal", "disk sync", "feedback", "total" }));
        Assert.That(figures.TapSteps!.Select(s => s.Count), Is.All.EqualTo(3));
        var read = figures.TapSteps!.Single(s => s.Step == "read");
        Assert.That(read.P50Ms, Is.InRange(90, 90 * 1.123));
        Assert.That(read.MaxMs, Is.EqualTo(300));
        var total = figures.TapSteps!.Single(s => s.Step == "total");
        Assert.That(figures.TapP50Ms, Is.EqualTo(total.P50Ms), "the tap figures come from the total histogram");
        Assert.That(figures.TapP99Ms, Is.EqualTo(total.P99Ms).And.GreaterThan(300));
    }

    [Test]
    public async Task A_heartbeat_answer_with_a_newer_list_wakes_the_updater_long_before_its_poll_interval()
    {
        var rounds = new System.Collections.Concurrent.BlockingCollection<IReadOnlyList<ListUpdateReport>>();
        _updater.Updated += (_, reports) => rounds.Add(reports);
        using var service = new ListUpdateService(_updater, _device.Options, TimeProvider.System, NullLogger<ListUpdateService>.Instance);
        await service.StartAsync(CancellationToken.None);
        Assert.That(rounds.TryTake(out _, TimeSpan.FromSeconds(10)), Is.True, "the first round runs at start");

        var version = await _backoffice.AddDenyAsync(new DenyEntry { Token = TestTaps.Token(5), Reason = DenyReason.Fraud, AddedAt = DateTimeOffset.UtcNow });
        await _sender.SendAsync();

        Assert.That(rounds.TryTake(out var second, TimeSpan.FromSeconds(10)), Is.True, "nudged, not waiting an hour");
        Assert.That(second!.Single(r => r.List == ListKind.Deny).VersionAfter, Is.EqualTo(version));
        Assert.That(_lists.Live.Current.DenyList.Contains(new DenyKey(TestTaps.Token(5))), Is.True);
        await service.StopAsync(CancellationToken.None);
    }
}
