using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Validator.Backoffice;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Endpoints;
using Validator.Core.Sync;

namespace Validator.Backoffice.Tests.Support;

/// <summary>The real back office on Kestrel at 127.0.0.1 with a free port, a LiteDB file in a temp directory, two devices and chaos enabled.</summary>
internal sealed class TestBackoffice : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789";
    public const string DeviceA = "bus-a";
    public const string DeviceB = "bus-b";
    public const string SecretA = "secret-of-bus-a-0123456789";
    public const string SecretB = "secret-of-bus-b-0123456789";

    private TestBackoffice(RunningBackoffice running, string directory, ECDsa key, HttpClient admin)
    {
        Running = running;
        Directory = directory;
        Key = key;
        Admin = admin;
    }

    private bool _stopped;

    public RunningBackoffice Running { get; private set; }
    public string Directory { get; }
    public ECDsa Key { get; }
    public HttpClient Admin { get; private set; }
    public Uri Url => Running.Url;

    public static async Task<TestBackoffice> StartAsync(Action<BackofficeOptions>? configure = null, string? directory = null, ECDsa? key = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "backoffice-test-" + Guid.NewGuid().ToString("N"));
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var running = await BackofficeHost.StartAsync(Options(directory, key, configure));
        return new TestBackoffice(running, directory, key, AdminClient(running.Url));
    }

    /// <summary>Stops Kestrel and starts again on the same database file and port.</summary>
    public async Task RestartAsync(Action<BackofficeOptions>? configure = null)
    {
        await StopAsync();
        await StartAgainAsync(configure);
    }

    /// <summary>Stops Kestrel: the port refuses connections until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        Admin.Dispose();
        await Running.DisposeAsync();
        _stopped = true;
    }

    /// <summary>Starts again on the same database file and the same port.</summary>
    public async Task StartAgainAsync(Action<BackofficeOptions>? configure = null)
    {
        var url = Running.Url;
        Running = await BackofficeHost.StartAsync(Options(Directory, Key, o =>
        {
            o.Url = url.GetLeftPart(UriPartial.Authority);
            configure?.Invoke(o);
        }));
        Admin = AdminClient(Running.Url);
        _stopped = false;
    }

    public HttpClient DeviceClient(string deviceId, string secret)
    {
        var client = new HttpClient { BaseAddress = Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        client.DefaultRequestHeaders.Add(SyncHeaders.DeviceId, deviceId);
        return client;
    }

    public async Task SetChaosAsync(ChaosRequest rule)
    {
        using var response = await Admin.PostAsJsonAsync("/v1/admin/chaos", rule, BackofficeJsonContext.Default.ChaosRequest);
        response.EnsureSuccessStatusCode();
    }

    public async Task<ChaosState> ChaosStateAsync() =>
        (await Admin.GetFromJsonAsync("/v1/admin/chaos", BackofficeJsonContext.Default.ChaosState))!;

    public async Task<BackofficeStats> StatsAsync() =>
        (await Admin.GetFromJsonAsync("/v1/admin/stats", BackofficeJsonContext.Default.BackofficeStats))!;

    public async Task<IReadOnlyList<Core.Taps.TapRecord>> StoredTapsAsync(string deviceId) =>
        (await Admin.GetFromJsonAsync($"/v1/admin/taps?deviceId={deviceId}&limit=10000", BackofficeJsonContext.Default.IReadOnlyListTapRecord))!;

    public async Task<long> AddDenyAsync(params Core.Lists.DenyEntry[] entries)
    {
        using var response = await Admin.PostAsJsonAsync("/v1/admin/deny", entries, BackofficeJsonContext.Default.DenyEntryArray);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(BackofficeJsonContext.Default.ListVersionChange))!.Version;
    }

    public async Task<long> PutEntitlementsAsync(params Core.Lists.Entitlement[] entitlements)
    {
        using var response = await Admin.PutAsJsonAsync("/v1/admin/entitlements", entitlements, BackofficeJsonContext.Default.EntitlementArray);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(BackofficeJsonContext.Default.ListVersionChange))!.Version;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            Admin.Dispose();
            await Running.DisposeAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static BackofficeOptions Options(string directory, ECDsa key, Action<BackofficeOptions>? configure)
    {
        var options = new BackofficeOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = Path.Combine(directory, "backoffice.db"),
            AdminToken = AdminToken,
            SigningKey = key,
            EnableChaos = true,
        };
        options.Devices.Add(new DeviceCredential { Id = DeviceA, Secret = SecretA });
        options.Devices.Add(new DeviceCredential { Id = DeviceB, Secret = SecretB });
        configure?.Invoke(options);
        return options;
    }

    private static HttpClient AdminClient(Uri url)
    {
        var client = new HttpClient { BaseAddress = url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }
}
