using System.Security.Cryptography;

namespace Validator.Sync;

/// <summary>How the device talks to the back office: where, as whom, how often, and what it trusts.</summary>
public sealed class SyncOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Sync";

    /// <summary>The back office's base address, e.g. https://backoffice.example/ (http only for loopback).</summary>
    public string UpstreamUrl { get; set; } = "";

    /// <summary>This device's id; it must match the id its taps carry.</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>This device's secret, sent as the bearer token.</summary>
    public string DeviceSecret { get; set; } = "";

    /// <summary>PEM file of a CA to trust instead of the system CAs (pinning the back office's CA); null for system CAs.</summary>
    public string? PinnedCaPath { get; set; }

    /// <summary>PEM file with this device's client certificate and key for mutual TLS; null for none.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The back office's list signing public key (PEM, SubjectPublicKeyInfo).</summary>
    public string ListSigningKeyPem { get; set; } = "";

    /// <summary>Directory for the uploader's persisted backoff state and set-aside batches.</summary>
    public string StateDirectory { get; set; } = "";

    /// <summary>Taps per upload batch (at most 500).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Gzip tap batches on the wire (about a sixth of the JSON size; the link is often a slow mobile one).</summary>
    public bool CompressUploads { get; set; } = true;

    /// <summary>How often the uploader looks for new taps when the queue is empty.</summary>
    public TimeSpan UploadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a heartbeat is sent.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often lists are polled when no heartbeat nudges the updater.</summary>
    public TimeSpan ListPollInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Time one HTTP attempt may take, answer body included.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of one request after its first attempt, for transient failures.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles each retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest single retry delay, and the longest Retry-After honoured inside one request (longer ones become the uploader's backoff).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Circuit breaker: share of failed attempts in the sampling window that opens it.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Circuit breaker: attempts needed in the window before it may open (Polly's 100 would never be reached here).</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>Circuit breaker: the sampling window.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Circuit breaker: how long it stays open.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The uploader's first backoff after a failed drain; doubles per failure, with jitter.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The uploader's longest backoff.</summary>
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Mass-change guard: refuse an update that newly denies more than this share of current entitlements.</summary>
    public double MassChangeMaxShare { get; set; } = 0.1;

    /// <summary>Mass-change guard: changes affecting at most this many entitlements always pass.</summary>
    public int MassChangeFloor { get; set; } = 10;

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every setting to fix.</summary>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new InvalidOperationException("The sync configuration cannot work: " + string.Join(" ", problems));
    }

    /// <summary>Each setting that cannot work, with what to do about it.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(UpstreamUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            problems.Add($"Sync:UpstreamUrl '{UpstreamUrl}' is not an absolute http(s) address; set it to the back office, e.g. https://backoffice.example/.");
        else if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            problems.Add($"Sync:UpstreamUrl '{UpstreamUrl}' is plain http to another machine; the device secret would travel in clear. Use https.");
        if (string.IsNullOrWhiteSpace(DeviceId)) problems.Add("Sync:DeviceId is empty; set it to the id the back office knows this device by.");
        if (DeviceSecret.Length < 16) problems.Add("Sync:DeviceSecret must be the device's secret from the back office (at least 16 characters).");
        if (PinnedCaPath is not null && !File.Exists(PinnedCaPath)) problems.Add($"Sync:PinnedCaPath '{PinnedCaPath}' does not exist; point it at the CA's PEM file or remove it to use the system CAs.");
        if (ClientCertificatePath is not null && !File.Exists(ClientCertificatePath)) problems.Add($"Sync:ClientCertificatePath '{ClientCertificatePath}' does not exist.");
        if (!IsP256PublicKey(ListSigningKeyPem)) problems.Add("Sync:ListSigningKeyPem is not an ECDSA P-256 public key in PEM; copy it from the back office (GET /v1/admin/signing-key).");
        if (string.IsNullOrWhiteSpace(StateDirectory)) problems.Add("Sync:StateDirectory is empty; name a directory on the data disk (e.g. /var/lib/validator/sync).");
        if (BatchSize is < 1 or > 500) problems.Add($"Sync:BatchSize {BatchSize} is outside 1..500.");
        foreach (var (name, value) in new[]
                 {
                     ("UploadInterval", UploadInterval), ("HeartbeatInterval", HeartbeatInterval), ("ListPollInterval", ListPollInterval),
                     ("AttemptTimeout", AttemptTimeout), ("RetryBaseDelay", RetryBaseDelay), ("MaxRetryDelay", MaxRetryDelay),
                     ("BreakerSamplingDuration", BreakerSamplingDuration), ("BreakerBreakDuration", BreakerBreakDuration),
                     ("BackoffBase", BackoffBase), ("BackoffCap", BackoffCap),
                 })
        {
            if (value <= TimeSpan.Zero) problems.Add($"Sync:{name} must be positive.");
        }
        if (MaxRetries is < 0 or > 10) problems.Add($"Sync:MaxRetries {MaxRetries} is outside 0..10; long outages belong to the uploader's backoff, not to retries.");
        if (BackoffCap < BackoffBase) problems.Add("Sync:BackoffCap must not be shorter than Sync:BackoffBase.");
        if (BreakerFailureRatio is <= 0 or > 1) problems.Add("Sync:BreakerFailureRatio must be in (0, 1].");
        if (BreakerMinimumThroughput < 2) problems.Add("Sync:BreakerMinimumThroughput must be at least 2.");
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500)) problems.Add("Sync:BreakerSamplingDuration must be at least 0.5 s (Polly's minimum).");
        if (BreakerBreakDuration < TimeSpan.FromMilliseconds(500)) problems.Add("Sync:BreakerBreakDuration must be at least 0.5 s (Polly's minimum).");
        if (MassChangeMaxShare is <= 0 or > 1) problems.Add("Sync:MassChangeMaxShare must be in (0, 1].");
        if (MassChangeFloor < 0) problems.Add("Sync:MassChangeFloor must not be negative.");
        return problems;
    }

    private static bool IsP256PublicKey(string pem)
    {
        if (string.IsNullOrWhiteSpace(pem)) return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.KeySize == 256;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
