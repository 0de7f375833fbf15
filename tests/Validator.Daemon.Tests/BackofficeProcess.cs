using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Validator.Core.Sync;
using Validator.Core.Taps;

namespace Validator.Daemon.Tests;

/// <summary>
/// The reference back office as its own process on loopback, with one known device and an admin client, plus the
/// configuration file of a daemon that talks to it. Shared by the tests that run the whole system.
/// </summary>
public sealed partial class BackofficeProcess : IDisposable
{
    public const string AdminToken = "admin-token-for-the-e2e-test";
    public const string DeviceId = "bus-0417-door-1";
    public const string DeviceSecret = "device-secret-for-the-e2e-test";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new CardTokenJsonConverter() } };

    private BackofficeProcess(ValidatorProcess process, string url)
    {
        Process = process;
        Url = url;
        Admin = new HttpClient { BaseAddress = new Uri(url), Timeout = Patience };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    /// <summary>The back office process (its output holds its log).</summary>
    public ValidatorProcess Process { get; }

    /// <summary>Its base address on loopback.</summary>
    public string Url { get; }

    /// <summary>An HTTP client that carries the admin token.</summary>
    public HttpClient Admin { get; }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    /// <summary>Starts the back office with its database and signing key in <paramref name="root"/>; returns once it listens.</summary>
    public static BackofficeProcess Start(DirectoryInfo root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Start(root.FullName, DeviceId, DeviceSecret);
    }

    /// <summary>Starts the back office with its database and signing key in <paramref name="directory"/>, knowing one device.</summary>
    public static BackofficeProcess Start(string directory, string deviceId, string deviceSecret)
    {
        var process = ValidatorProcess.StartAssembly(BackofficePath(),
        [
            "--urls", "http://127.0.0.1:0",
            $"--Backoffice:AdminToken={AdminToken}",
            $"--Backoffice:Devices:0:Id={deviceId}",
            $"--Backoffice:Devices:0:Secret={deviceSecret}",
            $"--Backoffice:DatabasePath={Path.Combine(directory, "backoffice.db")}",
            $"--Backoffice:SigningKeyPath={Path.Combine(directory, "signing.pem")}",
        ]);
        try
        {
            return new BackofficeProcess(process, process.WaitForLine(Listening(), Patience).Groups[1].Value);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sends an admin request with a JSON body; fails the test unless it succeeds; returns the answer.</summary>
    public JsonElement Send<T>(HttpMethod method, string path, T body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json") };
        using var response = Admin.Send(request);
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{method} {path}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends a list change and returns the list version the back office published for it.</summary>
    public long ChangeList<T>(HttpMethod method, string path, T body) => Send(method, path, body).GetProperty("version").GetInt64();

    /// <summary>The answer of an admin GET as JSON.</summary>
    public JsonElement Get(string path)
    {
        using var doc = JsonDocument.Parse(Admin.GetStringAsync(path).GetAwaiter().GetResult());
        return doc.RootElement.Clone();
    }

    /// <summary>Every tap the back office holds for <paramref name="deviceId"/>, in sequence order (all pages).</summary>
    public List<JsonElement> Taps(string deviceId = DeviceId)
    {
        var all = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            var page = Get($"/v1/admin/taps?deviceId={deviceId}&afterSequence={after}&limit=10000");
            var taps = (page.ValueKind == JsonValueKind.Array ? page : page.GetProperty("taps")).EnumerateArray().ToList();
            if (taps.Count == 0) return all;
            all.AddRange(taps);
            after = taps[^1].GetProperty("sequence").GetInt64();
        }
    }

    /// <summary>The back office's stored taps of the device, once there are <paramref name="count"/>.</summary>
    public List<JsonElement> WaitForTaps(int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var taps = Taps();
            if (taps.Count >= count) return taps;
            if (DateTime.UtcNow > deadline) Assert.Fail($"the back office holds {taps.Count} taps, expected {count}");
            Thread.Sleep(100); // polling another process's HTTP API: there is no event to wait on
        }
    }

    /// <summary>The list signing public key, as PEM for the device configuration.</summary>
    public string SigningKeyPem()
    {
        var answer = Admin.GetStringAsync("/v1/admin/signing-key").GetAwaiter().GetResult();
        var start = answer.IndexOf("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal);
        var end = answer.IndexOf("-----END PUBLIC KEY-----", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no PEM in the signing-key answer: {answer}");
        return answer[start..(end + "-----END PUBLIC KEY-----".Length)].Replace("\\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes the configuration file of a daemon that talks to this back office as <see cref="DeviceId"/>, keeping its
    /// data in <paramref name="dataDirectory"/>; returns the file's path.
    /// </summary>
    public string WriteDeviceConfig(string path, string dataDirectory, byte[] tokenKey, TimeSpan uploadInterval, TimeSpan listPollInterval, TimeSpan heartbeatInterval)
    {
        static string Span(TimeSpan t) => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Device"] = new Dictionary<string, string> { ["Id"] = DeviceId, ["DataDirectory"] = dataDirectory, ["Line"] = "110" },
            ["Cards"] = new Dictionary<string, string> { ["TokenKey"] = Convert.ToBase64String(tokenKey) },
            ["Sync"] = new Dictionary<string, string>
            {
                ["UpstreamUrl"] = Url, ["DeviceSecret"] = DeviceSecret, ["ListSigningKeyPem"] = SigningKeyPem(),
                ["UploadInterval"] = Span(uploadInterval), ["ListPollInterval"] = Span(listPollInterval), ["HeartbeatInterval"] = Span(heartbeatInterval),
            },
        }));
        return path;
    }

    /// <summary>Every tap of <paramref name="deviceId"/> the back office holds, in sequence order, as tap records (all pages).</summary>
    public List<TapRecord> TapRecords(string deviceId)
    {
        var all = new List<TapRecord>();
        while (true)
        {
            var after = all.Count == 0 ? 0 : all[^1].Sequence;
            var page = Admin.GetFromJsonAsync<List<TapRecord>>($"/v1/admin/taps?deviceId={deviceId}&afterSequence={after}&limit=10000", Json).GetAwaiter().GetResult()!;
            all.AddRange(page);
            if (page.Count < 10_000) return all;
        }
    }

    /// <summary>The taps once <paramref name="done"/> holds for them; fails the test with what is there after the patience.</summary>
    public List<TapRecord> WaitForTaps(string deviceId, Func<List<TapRecord>, bool> done, string what)
    {
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var taps = TapRecords(deviceId);
            if (done(taps)) return taps;
            if (DateTime.UtcNow > deadline) Assert.Fail($"the back office holds {taps.Count} taps, not {what}");
            Thread.Sleep(100); // polling another process's HTTP API: there is no event to wait on
        }
    }

    public void Dispose()
    {
        Admin.Dispose();
        Process.Dispose();
    }

    private static string BackofficePath() =>
        typeof(BackofficeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BackofficePath").Value!;
}
