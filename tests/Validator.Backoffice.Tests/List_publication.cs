using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Backoffice.Tests;

public sealed class List_publication
{
    private TestBackoffice _backoffice = null!;
    private HttpClient _device = null!;

    [SetUp]
    public async Task Start()
    {
        _backoffice = await TestBackoffice.StartAsync(o => o.MaxDeltaChanges = 5);
        _device = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
    }

    [TearDown]
    public async Task Stop()
    {
        _device.Dispose();
        await _backoffice.DisposeAsync();
    }

    private static DenyEntry Deny(int card) => new() { Token = TestTaps.Token(card), Reason = DenyReason.Stolen, AddedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero) };

    private async Task<(HttpStatusCode Status, ListPackage? Package)> Fetch(string list, long since)
    {
        using var response = await _device.GetAsync($"/v1/devices/{TestBackoffice.DeviceA}/lists/{list}?since={since}");
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, null);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(_backoffice.Running.PublicKeyPem);
        var signature = response.Headers.GetValues(SyncHeaders.ListSignature).Single();
        var keyId = response.Headers.GetValues(SyncHeaders.ListKeyId).Single();
        Assert.That(keyId, Is.EqualTo(ListSigning.KeyId(publicKey)));
        Assert.That(ListSigning.TryVerifyHash(SHA256.HashData(bytes), signature, keyId, publicKey, out var problem), Is.True, problem);
        return (response.StatusCode, JsonSerializer.Deserialize(bytes, SyncJsonContext.Default.ListPackage));
    }

    [Test]
    public async Task Adding_a_deny_entry_bumps_the_version_and_the_delta_carries_only_that_entry()
    {
        var v1 = await _backoffice.AddDenyAsync(Deny(1));
        var v2 = await _backoffice.AddDenyAsync(Deny(2));

        var (_, delta) = await Fetch("deny", v1);

        Assert.That(v2, Is.EqualTo(v1 + 1));
        Assert.That(delta!.Format, Is.EqualTo(ListPackageFormat.Delta));
        Assert.That((delta.FromVersion, delta.Version), Is.EqualTo((v1, v2)));
        Assert.That(delta.DenyAdded, Is.EqualTo(new[] { Deny(2) }));
        Assert.That(delta.EntryCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_removal_after_an_add_folds_into_a_delta_that_only_removes()
    {
        var v0 = await _backoffice.AddDenyAsync(Deny(9));
        await _backoffice.AddDenyAsync(Deny(1));
        using (var r = await _backoffice.Admin.PostAsJsonAsync("/v1/admin/deny/remove", new[] { Deny(1).Key }, BackofficeJsonContext.Default.DenyKeyArray)) r.EnsureSuccessStatusCode();

        var (_, delta) = await Fetch("deny", v0);

        Assert.That(delta!.DenyAdded, Is.Empty);
        Assert.That(delta.DenyRemoved, Is.EqualTo(new[] { Deny(1).Key }));
    }

    [Test]
    public async Task A_device_with_no_list_or_too_far_behind_gets_a_signed_snapshot_with_expiry()
    {
        for (var i = 0; i < 8; i++) await _backoffice.AddDenyAsync(Deny(i));

        var (_, fresh) = await Fetch("deny", 0);
        var (_, behind) = await Fetch("deny", 1);

        Assert.That(fresh!.Format, Is.EqualTo(ListPackageFormat.Snapshot));
        Assert.That(fresh.DenyEntries, Has.Count.EqualTo(8));
        Assert.That(fresh.EntryCount, Is.EqualTo(8));
        Assert.That(fresh.ExpiresAt - fresh.CreatedAt, Is.EqualTo(TimeSpan.FromDays(7)));
        Assert.That(behind!.Format, Is.EqualTo(ListPackageFormat.Snapshot), "7 changes behind with at most 5 in a delta");
        Assert.That(behind.Version, Is.EqualTo(8));
    }

    [Test]
    public async Task A_device_that_is_current_gets_204()
    {
        var version = await _backoffice.AddDenyAsync(Deny(1));

        var (status, _) = await Fetch("deny", version);

        Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Entitlements_and_policy_are_published_too()
    {
        var pass = new Entitlement { Id = "e-1", Token = TestTaps.Token(3), Product = "student-pass", ValidFrom = new DateOnly(2026, 9, 1), ValidTo = new DateOnly(2027, 7, 31), Days = Weekdays.MondayToFriday, Windows = [new TimeWindow(new TimeOnly(6, 0), new TimeOnly(18, 0))] };
        await _backoffice.PutEntitlementsAsync(pass);
        var policy = new FarePolicy { Products = [new Product("student-pass", "Schülerticket")], AcceptPayAsYouGo = true };
        using (var r = await _backoffice.Admin.PutAsJsonAsync("/v1/admin/policy", policy, SyncJsonContext.Default.FarePolicy)) r.EnsureSuccessStatusCode();

        var (_, entitlements) = await Fetch("entitlements", 0);
        var (_, published) = await Fetch("policy", 0);

        Assert.That(entitlements!.Entitlements!.Single(), Is.EqualTo(pass).Using<Entitlement>((a, b) => a.Id == b.Id && a.Token == b.Token && a.Windows.SequenceEqual(b.Windows) && a.Days == b.Days));
        Assert.That(published!.Policy!.AcceptPayAsYouGo, Is.True);
        Assert.That(published.Policy.Products, Is.EqualTo(policy.Products));
    }

    [Test]
    public async Task An_entitlement_that_ends_before_it_starts_is_refused_and_the_version_stays()
    {
        var bad = new Entitlement { Id = "e-1", Token = TestTaps.Token(3), Product = "p", ValidFrom = new DateOnly(2027, 1, 1), ValidTo = new DateOnly(2026, 1, 1) };

        using var response = await _backoffice.Admin.PutAsJsonAsync("/v1/admin/entitlements", new[] { bad }, BackofficeJsonContext.Default.EntitlementArray);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await _backoffice.StatsAsync()).Lists.Entitlements, Is.Zero);
    }
}
