using System.Net;
using System.Net.Http.Json;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Sync;

namespace Validator.Backoffice.Tests;

public sealed class Device_authentication
{
    private TestBackoffice _backoffice = null!;

    [SetUp]
    public async Task Start() => _backoffice = await TestBackoffice.StartAsync();

    [TearDown]
    public async Task Stop() => await _backoffice.DisposeAsync();

    private static TapBatch Batch(string deviceId) => new() { Taps = TestTaps.Taps(deviceId, 2) };

    [Test]
    public async Task A_wrong_secret_is_refused_with_401_and_nothing_is_stored()
    {
        using var device = _backoffice.DeviceClient(TestBackoffice.DeviceA, "not-the-secret-of-bus-a-000");

        using var response = await device.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps", Batch(TestBackoffice.DeviceA), SyncJsonContext.Default.TapBatch);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.Zero);
    }

    [Test]
    public async Task A_request_without_credentials_is_refused_with_401()
    {
        using var anonymous = new HttpClient { BaseAddress = _backoffice.Url };

        using var response = await anonymous.GetAsync($"/v1/devices/{TestBackoffice.DeviceA}/lists/deny");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Device_A_cannot_write_taps_into_device_B()
    {
        using var deviceA = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);

        using var onBRoute = await deviceA.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceB}/taps", Batch(TestBackoffice.DeviceB), SyncJsonContext.Default.TapBatch);
        using var stampedB = await deviceA.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps", Batch(TestBackoffice.DeviceB), SyncJsonContext.Default.TapBatch);

        Assert.That(onBRoute.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(stampedB.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.Zero);
    }

    [Test]
    public async Task Device_A_cannot_read_device_B_status_or_post_its_heartbeat()
    {
        using var deviceA = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
        using var deviceB = _backoffice.DeviceClient(TestBackoffice.DeviceB, TestBackoffice.SecretB);
        using (var own = await deviceB.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceB}/taps", Batch(TestBackoffice.DeviceB), SyncJsonContext.Default.TapBatch))
            own.EnsureSuccessStatusCode();

        using var read = await deviceA.GetAsync($"/v1/devices/{TestBackoffice.DeviceB}/status");
        using var write = await deviceA.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceB}/heartbeat", new Heartbeat { DeviceTime = DateTimeOffset.UtcNow }, SyncJsonContext.Default.Heartbeat);
        var ownView = await deviceB.GetFromJsonAsync($"/v1/devices/{TestBackoffice.DeviceB}/status", SyncJsonContext.Default.DeviceView);

        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(ownView!.TapsStored, Is.EqualTo(2), "B reads its own status");
        Assert.That(ownView.LastHeartbeat, Is.Null, "A's heartbeat never landed on B");
    }

    [Test]
    public async Task Device_B_secret_does_not_open_device_A()
    {
        using var impostor = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretB);

        using var response = await impostor.GetAsync($"/v1/devices/{TestBackoffice.DeviceA}/status");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_device_secret_does_not_open_the_admin_endpoints()
    {
        using var device = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);

        using var taps = await device.GetAsync($"/v1/admin/taps?deviceId={TestBackoffice.DeviceB}");
        using var deny = await device.PostAsync("/v1/admin/deny", JsonContent.Create(Array.Empty<int>()));

        Assert.That(taps.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(deny.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
