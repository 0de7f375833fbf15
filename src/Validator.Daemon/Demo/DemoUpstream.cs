using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Validator.Backoffice;
using Validator.Core.Lists;
using Validator.Storage.Journal;
using Validator.Storage.Lists;
using Validator.Sync;
using Validator.Sync.Lists;
using Validator.Sync.Upload;
using Validator.Sync.Upstream;

namespace Validator.Daemon.Demo;

/// <summary>
/// The back office of the demo, in process on loopback, and the device's side of the link to it: the same uploader and
/// list updater the service runs. The link can be cut (the back office answers 503) and restored.
/// </summary>
internal sealed class DemoUpstream : IAsyncDisposable
{
    public const string DeviceId = "demo-bus-0110";
    private const string AdminToken = "demo-admin-token-loopback-only";
    private const string DeviceSecret = "demo-device-secret-loopback-only";
    private readonly RunningBackoffice _backoffice;
    private readonly HttpClient _admin;
    private readonly UpstreamClient _client;
    private readonly TapJournal _journal;

    private DemoUpstream(RunningBackoffice backoffice, HttpClient admin, UpstreamClient client, StoredLists lists, TapJournal journal, SyncOptions options)
    {
        _backoffice = backoffice;
        _admin = admin;
        _client = client;
        _journal = journal;
        Lists = lists;
        Updater = new ListUpdater(lists, client, options);
        Uploader = new Uploader(journal, client, options);
    }

    public Uri Url => _backoffice.Url;

    public StoredLists Lists { get; }

    public ListUpdater Updater { get; }

    public Uploader Uploader { get; }

    public bool LinkUp { get; private set; } = true;

    /// <summary>Taps in the journal the back office has not confirmed yet.</summary>
    public long QueueDepth => _journal.LastSequence - _journal.AcknowledgedThrough;

    public static async Task<DemoUpstream> StartAsync(string directory, TapJournal journal, CancellationToken stop)
    {
        var options = new BackofficeOptions
        {
            DatabasePath = Path.Combine(directory, "backoffice.db"),
            SigningKeyPath = Path.Combine(directory, "backoffice-signing.pem"),
            AdminToken = AdminToken,
            EnableChaos = true,
        };
        options.Devices.Add(new DeviceCredential { Id = DeviceId, Secret = DeviceSecret });
        var backoffice = await BackofficeHost.StartAsync(options, stop).ConfigureAwait(false);
        var admin = new HttpClient { BaseAddress = backoffice.Url, Timeout = TimeSpan.FromSeconds(10) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var sync = new SyncOptions
        {
            UpstreamUrl = backoffice.Url.ToString(),
            DeviceId = DeviceId,
            DeviceSecret = DeviceSecret,
            ListSigningKeyPem = backoffice.PublicKeyPem,
            StateDirectory = Path.Combine(directory, "sync"),
            // A demo shows a link coming back in seconds, not minutes.
            MaxRetries = 0,
            AttemptTimeout = TimeSpan.FromSeconds(2),
            BackoffBase = TimeSpan.FromMilliseconds(100),
            BackoffCap = TimeSpan.FromMilliseconds(400),
            BreakerBreakDuration = TimeSpan.FromMilliseconds(500),
        };
        var lists = StoredLists.Open(Path.Combine(directory, "lists.db"), TimeProvider.System);
        return new DemoUpstream(backoffice, admin, new UpstreamClient(sync, TimeProvider.System), lists, journal, sync);
    }

    /// <summary>Publishes the county's lists at the back office, as its staff would.</summary>
    public async Task SeedAsync(FarePolicy policy, IReadOnlyList<Entitlement> passes, IReadOnlyList<DenyEntry> denied, CancellationToken stop)
    {
        await Send(HttpMethod.Put, "v1/admin/policy", policy, DemoJsonContext.Default.FarePolicy, stop).ConfigureAwait(false);
        await Send(HttpMethod.Put, "v1/admin/entitlements", passes.ToArray(), DemoJsonContext.Default.EntitlementArray, stop).ConfigureAwait(false);
        await Send(HttpMethod.Post, "v1/admin/deny", denied.ToArray(), DemoJsonContext.Default.DenyEntryArray, stop).ConfigureAwait(false);
    }

    /// <summary>Cuts the link: the back office answers every device request with 503 until <see cref="RestoreLinkAsync"/>.</summary>
    public async Task CutLinkAsync(CancellationToken stop)
    {
        await Send(HttpMethod.Post, "v1/admin/chaos", new DemoChaos(100_000, 503), DemoJsonContext.Default.DemoChaos, stop).ConfigureAwait(false);
        LinkUp = false;
    }

    public async Task RestoreLinkAsync(CancellationToken stop)
    {
        using var response = await _admin.DeleteAsync(new Uri("v1/admin/chaos", UriKind.Relative), stop).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        LinkUp = true;
    }

    /// <summary>Uploads until the queue is empty, waiting out the uploader's (short, in the demo) backoff; gives up after 10 s.</summary>
    public async Task<int> DrainQueueAsync(CancellationToken stop)
    {
        var confirmed = 0;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (QueueDepth > 0 && DateTimeOffset.UtcNow < deadline)
        {
            var report = await Uploader.DrainAsync(stop).ConfigureAwait(false);
            confirmed += report.Acknowledged;
            if (report.Outcome != UploadOutcome.Drained)
            {
                var wait = report.NextAttemptAt - DateTimeOffset.UtcNow;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(50), stop).ConfigureAwait(false);
            }
        }
        return confirmed;
    }

    /// <summary>Taps the back office holds for this device.</summary>
    public async Task<int> StoredTapsAsync(CancellationToken stop)
    {
        using var response = await _admin.GetAsync(new Uri($"v1/admin/taps?deviceId={DeviceId}&limit=10000", UriKind.Relative), stop).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false);
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        var root = doc.RootElement;
        return (root.ValueKind == System.Text.Json.JsonValueKind.Array ? root : root.GetProperty("taps")).GetArrayLength();
    }

    private async Task Send<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> type, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body, type) };
        using var response = await _admin.SendAsync(request, stop).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false);
            throw new InvalidOperationException($"back office refused {method} {path}: {(int)response.StatusCode} {problem}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Uploader.Dispose();
        Updater.Dispose();
        _client.Dispose();
        Lists.Dispose();
        _admin.Dispose();
        await _backoffice.DisposeAsync().ConfigureAwait(false);
    }
}
