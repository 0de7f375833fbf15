using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Validator.Backoffice.Storage;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Sync;

namespace Validator.Backoffice.Tests;

/// <summary>
/// The back office creates every collection before it serves: LiteDB 5.0.21 can fail a read that runs while another
/// transaction creates a collection (upstream issue #2792), and the failure closes the engine for good.
/// </summary>
public sealed class Database_at_start
{
    private static readonly string[] Collections = ["devices", "taps", "listver", "deny", "ent", "policy", "chg_deny", "chg_entitlements"];

    [Test]
    public async Task Every_collection_exists_and_is_empty_before_the_first_request()
    {
        await using var backoffice = await TestBackoffice.StartAsync();

        var db = backoffice.Running.Services.GetRequiredService<BackofficeDatabase>().Db;

        Assert.That(db.GetCollectionNames(), Is.SupersetOf(Collections));
        Assert.That(Collections.Select(name => db.GetCollection(name).LongCount()), Is.All.Zero, "the row that created a collection is gone");
        var indexes = db.GetCollection("$indexes").FindAll().Select(i => i["collection"].AsString + "." + i["name"].AsString);
        Assert.That(indexes, Is.SupersetOf(new[] { "taps.k", "chg_deny.v", "chg_entitlements.v" }));
    }

    [Test]
    public async Task A_restart_keeps_what_was_stored_and_creates_nothing_twice()
    {
        await using var backoffice = await TestBackoffice.StartAsync();
        using (var device = backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA))
        {
            using var sent = await device.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps", new TapBatch { Taps = TestTaps.Taps(TestBackoffice.DeviceA, 3) }, SyncJsonContext.Default.TapBatch);
            sent.EnsureSuccessStatusCode();
        }
        var version = await backoffice.AddDenyAsync(new Core.Lists.DenyEntry { Token = TestTaps.Token(1), Reason = Core.Lists.DenyReason.Lost, AddedAt = DateTimeOffset.UnixEpoch });

        await backoffice.RestartAsync();

        var stats = await backoffice.StatsAsync();
        Assert.That(stats.TapsStored, Is.EqualTo(3));
        Assert.That(await backoffice.AddDenyAsync(new Core.Lists.DenyEntry { Token = TestTaps.Token(2), Reason = Core.Lists.DenyReason.Lost, AddedAt = DateTimeOffset.UnixEpoch }), Is.EqualTo(version + 1));
        var db = backoffice.Running.Services.GetRequiredService<BackofficeDatabase>().Db;
        Assert.That(db.GetCollection("deny").LongCount(), Is.EqualTo(2));
        Assert.That(db.GetCollection("chg_deny").FindAll().Select(c => c["_id"].IsInt64), Is.All.True, "the change log keeps its numbered ids");
    }

    [Test]
    public async Task The_first_requests_of_every_kind_at_once_all_succeed()
    {
        // Heartbeats, uploads, list reads and status reads, all at once on a fresh database: each of these used to
        // create its collection on first use while the others read.
        await using var backoffice = await TestBackoffice.StartAsync();
        using var a = backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
        using var b = backoffice.DeviceClient(TestBackoffice.DeviceB, TestBackoffice.SecretB);
        var requests = new List<Task<HttpResponseMessage>>();
        foreach (var (client, id) in new[] { (a, TestBackoffice.DeviceA), (b, TestBackoffice.DeviceB) })
        {
            requests.Add(client.PostAsJsonAsync($"/v1/devices/{id}/heartbeat", new Heartbeat { DeviceTime = DateTimeOffset.UtcNow }, SyncJsonContext.Default.Heartbeat));
            requests.Add(client.PostAsJsonAsync($"/v1/devices/{id}/taps", new TapBatch { Taps = TestTaps.Taps(id, 5) }, SyncJsonContext.Default.TapBatch));
            foreach (var list in new[] { "deny", "entitlements", "policy" }) requests.Add(client.GetAsync($"/v1/devices/{id}/lists/{list}?since=0"));
            requests.Add(client.GetAsync($"/v1/devices/{id}/status"));
        }
        requests.Add(backoffice.Admin.GetAsync("/v1/admin/stats"));

        var responses = await Task.WhenAll(requests);

        // A list never published is 204 No Content; anything else must be 200.
        var failed = responses.Where(r => r.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NoContent))
            .Select(r => $"{r.RequestMessage!.Method} {r.RequestMessage.RequestUri!.AbsolutePath}: {(int)r.StatusCode}");
        Assert.That(failed, Is.Empty);
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(responses.Length - 6), "only the six list reads are empty");
        foreach (var response in responses) response.Dispose();
        Assert.That((await backoffice.StatsAsync()).TapsStored, Is.EqualTo(10));
    }
}
