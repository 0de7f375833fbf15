using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Validator.Backoffice;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Core.Taps;
using Validator.Storage.Lists;
using Validator.Sync;
using Validator.Sync.Lists;
using Validator.Sync.Upstream;

namespace Validator.Fuzz.Targets;

/// <summary>
/// The reference back office in process on Kestrel (loopback, real HTTP, its LiteDB file), fed damaged JSON on every
/// route with valid credentials: tap batches (plain and gzip), heartbeats, every admin list route, and damaged query
/// strings. Oracle: never a 5xx; a 4xx explains itself (problem JSON with a title); the server keeps answering; and at
/// the end nothing stored is garbage: every stored tap is well formed and a device takes every published list.
/// </summary>
internal sealed partial class BackofficeTarget : FuzzTarget
{
    private const string AdminToken = "fuzz-admin-token-0123456789";
    private const string Device = "bus-a";
    private const string Secret = "secret-of-bus-a-0123456789";
    private static readonly JsonSerializerOptions ReadBack = new(JsonSerializerDefaults.Web) { Converters = { new CardTokenJsonConverter() } };
    private readonly Outcomes _outcomes = new();
    private readonly List<(string Name, HttpMethod Method, string Path, bool Admin, byte[] Seed)> _routes = [];
    private readonly List<byte[]> _seeds = [];
    private string _directory = "";
    private ECDsa _key = null!;
    private RunningBackoffice _backoffice = null!;
    private HttpClient _admin = null!;
    private HttpClient _device = null!;

    public override string Name => "backoffice";

    public override TimeSpan InputTimeLimit => TimeSpan.FromSeconds(20);

    [GeneratedRegex("^[0-9]{4}$")]
    private static partial Regex FourDigits();

    public override void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("fuzz-backoffice-").FullName;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = new BackofficeOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = Path.Combine(_directory, "backoffice.db"),
            AdminToken = AdminToken,
            SigningKey = _key,
        };
        options.Devices.Add(new DeviceCredential { Id = Device, Secret = Secret });
        options.Devices.Add(new DeviceCredential { Id = "bus-b", Secret = "secret-of-bus-b-0123456789" });
        _backoffice = BackofficeHost.StartAsync(options).GetAwaiter().GetResult();
        _admin = new HttpClient { BaseAddress = _backoffice.Url, Timeout = TimeSpan.FromSeconds(15) };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        _device = new HttpClient { BaseAddress = _backoffice.Url, Timeout = TimeSpan.FromSeconds(15) };
        _device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        _device.DefaultRequestHeaders.Add(SyncHeaders.DeviceId, Device);

        var token = new CardToken(0xACE0_0000_0000_0001UL, 0xABCD_0000_0000_0001UL);
        var taps = Enumerable.Range(1, 3).Select(i => new TapRecord
        {
            Id = Guid.CreateVersion7(),
            DeviceId = Device,
            Sequence = i,
            Time = new DateTimeOffset(2026, 11, 28, 7, 15, i, TimeSpan.FromHours(1)),
            ClockTrusted = true,
            CardToken = token,
            ParToken = token,
            Psn = 1,
            Expiry = "2812",
            Last4 = "4242",
            Brand = "Mastercard",
            Decision = "accepted",
            Reason = "entitlement",
            Product = "student-pass",
            Line = "101",
            Stop = "Bernburg Bahnhof",
            ListVersions = new ListVersions(3, 7, 1),
        }).ToList();
        var deny = new DenyEntry { Token = token, Reason = DenyReason.Stolen, AddedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), Expiry = "2812", Psn = 1 };
        var pass = new Entitlement { Id = "pass-1", Token = token, Product = "student-pass", ValidFrom = new DateOnly(2026, 9, 1), ValidTo = new DateOnly(2027, 7, 31) };
        var policy = new FarePolicy { Products = [new Product("student-pass", "Schülerticket")], AcceptPayAsYouGo = true };
        var heartbeat = new Heartbeat { DeviceTime = DateTimeOffset.UtcNow, ClockTrusted = true, QueueDepth = 3, ReaderState = "ready", SoftwareVersion = "0.1.0", Lists = new ListVersions(1, 2, 3) };

        Add("taps", HttpMethod.Post, $"/v1/devices/{Device}/taps", false, JsonSerializer.SerializeToUtf8Bytes(new TapBatch { Taps = taps }, SyncJsonContext.Default.TapBatch));
        Add("heartbeat", HttpMethod.Post, $"/v1/devices/{Device}/heartbeat", false, JsonSerializer.SerializeToUtf8Bytes(heartbeat, SyncJsonContext.Default.Heartbeat));
        Add("deny", HttpMethod.Post, "/v1/admin/deny", true, Array(JsonSerializer.Serialize(deny, SyncJsonContext.Default.DenyEntry)));
        Add("deny-remove", HttpMethod.Post, "/v1/admin/deny/remove", true, Array(JsonSerializer.Serialize(deny.Key, SyncJsonContext.Default.DenyKey)));
        Add("entitlements", HttpMethod.Put, "/v1/admin/entitlements", true, Array(JsonSerializer.Serialize(pass, SyncJsonContext.Default.Entitlement)));
        Add("entitlements-remove", HttpMethod.Post, "/v1/admin/entitlements/remove", true, Encoding.UTF8.GetBytes("[\"pass-1\",\"pass-2\"]"));
        Add("policy", HttpMethod.Put, "/v1/admin/policy", true, JsonSerializer.SerializeToUtf8Bytes(policy, SyncJsonContext.Default.FarePolicy));
    }

    private static byte[] Array(string element) => Encoding.UTF8.GetBytes("[" + element + "," + element + "]");

    private void Add(string name, HttpMethod method, string path, bool admin, byte[] seed)
    {
        _routes.Add((name, method, path, admin, seed));
        _seeds.Add(seed);
    }

    public override void Run(Random random, FuzzInput input)
    {
        if (random.Next(8) == 0)
        {
            RunQuery(random, input);
            return;
        }
        var (name, method, path, admin, seed) = _routes[random.Next(_routes.Count)];
        input.Steps.Add(name);
        var body = random.Next(30) == 0 ? RandomBody(random) : Mutator.MutateJson(seed, _seeds, random, input);
        var gzip = name == "taps" && random.Next(4) == 0;
        var sent = body;
        if (gzip)
        {
            sent = Gzip(body);
            if (random.Next(2) == 0) sent = Mutator.MutateBinary(sent, _seeds, random, input, tlvAware: false);
            input.Steps.Add("gzip");
        }
        input.Bytes = sent;
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(sent) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(random.Next(40) == 0 ? "text/plain" : "application/json");
        if (gzip) request.Content.Headers.ContentEncoding.Add("gzip");
        Check(name, admin ? _admin : _device, request);
    }

    private void RunQuery(Random random, FuzzInput input)
    {
        string[] odd = ["", "-1", "0", "9223372036854775807", "9223372036854775808", "1e3", "abc", "%00", "%FF", "deny", "policy", "entitlements", "..%2F..", new string('9', 400)];
        string Pick() => odd[random.Next(odd.Length)];
        var (name, admin, path) = random.Next(3) switch
        {
            0 => ("lists-query", false, $"/v1/devices/{Device}/lists/{Pick()}?since={Pick()}"),
            1 => ("status-query", false, $"/v1/devices/{Device}/status?x={Pick()}"),
            _ => ("admin-taps-query", true, $"/v1/admin/taps?deviceId={Pick()}&afterSequence={Pick()}&limit={Pick()}"),
        };
        input.Steps.Add(name + " " + path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        Check(name, admin ? _admin : _device, request);
    }

    private void Check(string route, HttpClient client, HttpRequestMessage request)
    {
        using var response = client.Send(request);
        var status = (int)response.StatusCode;
        _outcomes.Add($"{route}:{status}");
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (status >= 500) throw new OracleFailure($"{route}: HTTP {status}: {text[..Math.Min(300, text.Length)]}");
        // A NUL in the path is refused by Kestrel before the application sees the request (a bare 400 by design).
        var kestrelRejected = request.RequestUri?.OriginalString.Contains("%00", StringComparison.Ordinal) == true;
        if (status is >= 400 and < 500 && !kestrelRejected && response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.UnsupportedMediaType)
            && !text.Contains("\"title\"", StringComparison.Ordinal))
        {
            throw new OracleFailure($"{route}: HTTP {status} without an explanation (no problem title in the body: '{text[..Math.Min(200, text.Length)]}')");
        }
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static byte[] RandomBody(Random random)
    {
        var bytes = new byte[random.Next(200)];
        random.NextBytes(bytes);
        return bytes;
    }

    public override void Finish()
    {
        // The server still answers.
        using (var stats = _admin.GetAsync("/v1/admin/stats").GetAwaiter().GetResult())
        {
            if (stats.StatusCode != HttpStatusCode.OK) throw new OracleFailure($"after the run the back office answers {(int)stats.StatusCode} to /v1/admin/stats");
        }
        // Every stored tap is well formed.
        var taps = JsonSerializer.Deserialize<List<TapRecord>>(
            _admin.GetStringAsync($"/v1/admin/taps?deviceId={Device}&limit=10000").GetAwaiter().GetResult(),
            ReadBack)!;
        foreach (var tap in taps)
        {
            if (tap.DeviceId != Device) throw new OracleFailure("a stored tap names another device");
            if (tap.Last4 is not null && !FourDigits().IsMatch(tap.Last4)) throw new OracleFailure("a stored tap has a last4 that is not 4 digits");
            if (PanGuard.TextHasPan(tap.ToString())) throw new OracleFailure("a stored tap holds a card number");
        }
        _outcomes.Add("stored-taps=" + taps.Count.ToString(CultureInfo.InvariantCulture));
        // A device takes every list the back office now publishes: nothing garbage was accepted by the admin routes.
        var deviceDirectory = Path.Combine(_directory, "device");
        Directory.CreateDirectory(deviceDirectory);
        var sync = new SyncOptions
        {
            UpstreamUrl = _backoffice.Url.ToString(),
            DeviceId = Device,
            DeviceSecret = Secret,
            ListSigningKeyPem = _backoffice.PublicKeyPem,
            StateDirectory = Path.Combine(deviceDirectory, "sync"),
            MaxRetries = 0,
            MassChangeMaxShare = 1,
        };
        using var lists = StoredLists.Open(Path.Combine(deviceDirectory, "lists.db"), TimeProvider.System);
        using var client = new UpstreamClient(sync);
        using var updater = new ListUpdater(lists, client, sync);
        foreach (var report in updater.UpdateAsync().GetAwaiter().GetResult())
        {
            _outcomes.Add($"device-{report.List.ToSegment()}={report.Outcome}");
            if (report.Outcome is ListUpdateOutcome.Refused or ListUpdateOutcome.Failed)
                throw new OracleFailure($"a device refuses the {report.List.ToSegment()} list the back office accepted and published: {report.Problem}");
        }
        // The inputs hold no test card number (odd digit runs, yes: a product named 9999999999999999999 is not a card).
        if (PanGuard.BytesHoldKnownPan(File.ReadAllBytes(Path.Combine(_directory, "backoffice.db")))) throw new OracleFailure("the back office database holds a test card number");
    }

    public override string Stats() => _outcomes.ToString();

    protected override void Cleanup()
    {
        _admin?.Dispose();
        _device?.Dispose();
        _backoffice?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _key?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
