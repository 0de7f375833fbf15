using System.Net;
using System.Net.Http.Json;
using System.Text;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Sync;

namespace Validator.Backoffice.Tests;

public sealed class Tap_ingestion
{
    private TestBackoffice _backoffice = null!;
    private HttpClient _device = null!;

    [SetUp]
    public async Task Start()
    {
        _backoffice = await TestBackoffice.StartAsync();
        _device = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
    }

    [TearDown]
    public async Task Stop()
    {
        _device.Dispose();
        await _backoffice.DisposeAsync();
    }

    private Task<HttpResponseMessage> Send(IReadOnlyList<Core.Taps.TapRecord> taps) =>
        _device.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps", new TapBatch { Taps = taps }, SyncJsonContext.Default.TapBatch);

    [Test]
    public async Task A_batch_is_stored_and_the_answer_names_every_stored_tap()
    {
        var taps = TestTaps.Taps(TestBackoffice.DeviceA, 20);

        using var response = await Send(taps);
        var receipt = await response.Content.ReadFromJsonAsync(SyncJsonContext.Default.TapBatchReceipt);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(receipt!.Stored, Is.EquivalentTo(taps.Select(t => t.Id)));
        var stored = await _backoffice.StoredTapsAsync(TestBackoffice.DeviceA);
        Assert.That(stored, Is.EqualTo(taps), "what comes back is what was sent, field by field, in sequence order");
    }

    [Test]
    public async Task A_batch_sent_twice_is_stored_once_and_both_answers_name_every_tap()
    {
        var taps = TestTaps.Taps(TestBackoffice.DeviceA, 10);

        using var first = await Send(taps);
        using var second = await Send(taps);
        var receipt = await second.Content.ReadFromJsonAsync(SyncJsonContext.Default.TapBatchReceipt);

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(receipt!.Stored, Is.EquivalentTo(taps.Select(t => t.Id)));
        var stats = await _backoffice.StatsAsync();
        Assert.That(stats.TapsStored, Is.EqualTo(10));
        Assert.That(stats.DuplicatesReceived, Is.EqualTo(10));
    }

    [Test]
    public async Task A_tap_carrying_more_than_four_card_digits_is_rejected_by_id_and_the_others_are_stored()
    {
        var taps = TestTaps.Taps(TestBackoffice.DeviceA, 3);
        taps[1] = taps[1] with { Last4 = "5412751234" };

        using var response = await Send(taps);
        var receipt = await response.Content.ReadFromJsonAsync(SyncJsonContext.Default.TapBatchReceipt);

        Assert.That(receipt!.Stored, Is.EquivalentTo(new[] { taps[0].Id, taps[2].Id }));
        Assert.That(receipt.Rejected.Select(r => r.Id), Is.EqualTo(new[] { taps[1].Id }));
        var stored = await _backoffice.StoredTapsAsync(TestBackoffice.DeviceA);
        Assert.That(stored.Select(t => t.Last4), Has.None.EqualTo("5412751234"));
    }

    [Test]
    public async Task A_body_that_is_not_a_tap_batch_is_answered_400()
    {
        using var content = new StringContent("{\"taps\": [ {\"id\": 12", Encoding.UTF8, "application/json");
        using var response = await _device.PostAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_batch_over_500_taps_is_answered_400_and_nothing_is_stored()
    {
        using var response = await Send(TestTaps.Taps(TestBackoffice.DeviceA, 501));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.Zero);
    }

    [Test]
    public async Task A_batch_stored_before_the_connection_was_cut_is_not_duplicated_by_the_resend()
    {
        var taps = TestTaps.Taps(TestBackoffice.DeviceA, 5);
        await _backoffice.SetChaosAsync(new ChaosRequest { AbortAfterStore = true, Endpoint = "taps" });

        Assert.That(async () => await Send(taps), Throws.InstanceOf<HttpRequestException>(), "the answer never arrives");
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.EqualTo(5), "but the batch was stored");

        using var resend = await Send(taps);
        var receipt = await resend.Content.ReadFromJsonAsync(SyncJsonContext.Default.TapBatchReceipt);
        Assert.That(receipt!.Stored, Is.EquivalentTo(taps.Select(t => t.Id)));
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.EqualTo(5));
    }

    [Test]
    public async Task Stored_taps_are_still_there_after_a_restart()
    {
        var taps = TestTaps.Taps(TestBackoffice.DeviceA, 7);
        using (var response = await Send(taps)) response.EnsureSuccessStatusCode();

        await _backoffice.RestartAsync();

        Assert.That(await _backoffice.StoredTapsAsync(TestBackoffice.DeviceA), Is.EqualTo(taps));
    }

    [Test]
    public async Task A_heartbeat_is_recorded_and_answered_with_the_published_list_versions()
    {
        await _backoffice.AddDenyAsync(new Core.Lists.DenyEntry { Token = TestTaps.Token(1), Reason = Core.Lists.DenyReason.Lost, AddedAt = DateTimeOffset.UtcNow });
        var heartbeat = new Heartbeat
        {
            DeviceTime = DateTimeOffset.UtcNow,
            QueueDepth = 42,
            ReaderState = "ready",
            SoftwareVersion = "0.1.0",
            Latency = new LatencyFigures { TapP50Ms = 120, UploadP50Ms = 8 },
        };

        using var response = await _device.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceA}/heartbeat", heartbeat, SyncJsonContext.Default.Heartbeat);
        var reply = await response.Content.ReadFromJsonAsync(SyncJsonContext.Default.HeartbeatReply);
        var view = await _backoffice.Admin.GetFromJsonAsync($"/v1/admin/devices/{TestBackoffice.DeviceA}", SyncJsonContext.Default.DeviceView);

        Assert.That(reply!.Lists.DenyList, Is.EqualTo(1));
        Assert.That(view!.LastHeartbeat, Is.EqualTo(heartbeat).Using<Heartbeat>((a, b) => a.QueueDepth == b.QueueDepth && a.ReaderState == b.ReaderState && a.Latency == b.Latency));
    }
}
