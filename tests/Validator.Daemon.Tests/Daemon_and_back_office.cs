using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

namespace Validator.Daemon.Tests;

/// <summary>
/// The whole system as it runs on a bus: the daemon as a process on real pcscd + vpcd, the back office as a process on
/// loopback. Lists come down signed, taps go up, and a card blocked at the back office is refused at the door.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class Daemon_and_back_office
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly byte[] TokenKey = RandomNumberGenerator.GetBytes(32);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new CardTokenJsonConverter() } };
    private const string AdminToken = "admin-token-for-the-e2e-test";
    private const string DeviceId = "bus-0417-door-1";
    private const string DeviceSecret = "device-secret-for-the-e2e-test";
    private DirectoryInfo _root = null!;

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [SetUp]
    public void Prepare()
    {
        PcscStack.RequireEmptyReader();
        _root = Directory.CreateTempSubdirectory("validator-e2e-");
    }

    [TearDown]
    public void Clean() => _root.Delete(recursive: true);

    [Test]
    public void Taps_reach_the_back_office_and_a_card_blocked_there_is_refused_at_the_next_tap()
    {
        var student = new CardholderData("5413330089600010", "2812", 1);
        var token = new CardTokenizer(TokenKey).ForPan(student.Pan.AsSpan());

        using var backoffice = ValidatorProcess.StartAssembly(BackofficePath(),
        [
            "--urls", "http://127.0.0.1:0",
            $"--Backoffice:AdminToken={AdminToken}",
            $"--Backoffice:Devices:0:Id={DeviceId}",
            $"--Backoffice:Devices:0:Secret={DeviceSecret}",
            $"--Backoffice:DatabasePath={Path.Combine(_root.FullName, "backoffice.db")}",
            $"--Backoffice:SigningKeyPath={Path.Combine(_root.FullName, "signing.pem")}",
        ]);
        var url = WaitFor(backoffice, Listening()).Groups[1].Value;
        using var admin = new HttpClient { BaseAddress = new Uri(url), Timeout = Patience };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);

        Send(admin, HttpMethod.Put, "/v1/admin/policy", new FarePolicy { Products = [new Product("student", "Schülerticket")] });
        Send(admin, HttpMethod.Put, "/v1/admin/entitlements", new[]
        {
            new Entitlement { Id = "pass-1", Token = token, Product = "student", ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31) },
        });
        var publicKey = admin.GetStringAsync("/v1/admin/signing-key").GetAwaiter().GetResult();

        var config = Path.Combine(_root.FullName, "validator.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Device"] = new Dictionary<string, string> { ["Id"] = DeviceId, ["DataDirectory"] = Path.Combine(_root.FullName, "data"), ["Line"] = "110" },
            ["Cards"] = new Dictionary<string, string> { ["TokenKey"] = Convert.ToBase64String(TokenKey) },
            ["Sync"] = new Dictionary<string, string>
            {
                ["UpstreamUrl"] = url, ["DeviceSecret"] = DeviceSecret, ["ListSigningKeyPem"] = ExtractPem(publicKey),
                ["UploadInterval"] = "00:00:00.200", ["ListPollInterval"] = "00:00:00.500", ["HeartbeatInterval"] = "00:00:01",
            },
        }));
        using var daemon = ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = config });
        WaitForAll(daemon, "List entitlements updated to version", "List policy updated to version");

        Assert.That(Tap(daemon, student, "Tap 1:"), Does.Contain(FareReasons.AcceptedPass));
        var stored = WaitForTaps(admin, 1);
        Assert.That(stored[0].GetProperty("reason").GetString(), Is.EqualTo(FareReasons.AcceptedPass));
        Assert.That(stored[0].GetProperty("cardToken").GetString(), Is.EqualTo(token.ToString()));

        Send(admin, HttpMethod.Post, "/v1/admin/deny", new[] { new DenyEntry { Token = token, Reason = DenyReason.Lost, AddedAt = DateTimeOffset.UtcNow } });
        WaitFor(daemon, "List deny updated to version");

        Assert.That(Tap(daemon, student, "Tap 2:"), Does.Contain(FareReasons.Denied));
        stored = WaitForTaps(admin, 2);
        Assert.That(stored[1].GetProperty("reason").GetString(), Is.EqualTo(FareReasons.Denied));
        var steps = WaitForHeartbeatSteps(admin, taps: 2);
        Assert.That(steps.Select(s => s.GetProperty("step").GetString()), Is.EqualTo(new[] { "connect", "read", "decide", "journal", "feedback", "total" }));
        Assert.That(steps.Single(s => s.GetProperty("step").GetString() == "read").GetProperty("p99Ms").GetDouble(), Is.GreaterThan(0));

        Assert.That(WaitForHeartbeatReaderState(admin), Does.EndWith("reader(s)"), "the heartbeat says how many readers the device sees");

        daemon.Terminate();
        Assert.That(daemon.WaitForExit(Patience), Is.Zero, daemon.Output);
        Assert.That(PanScanner.Find(daemon.Output + backoffice.Output), Is.Empty);
        Assert.That((daemon.Output + backoffice.Output).Contains(student.Pan, StringComparison.Ordinal), Is.False, "a PAN appears in a log");
    }

    private static string BackofficePath() =>
        typeof(Daemon_and_back_office).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BackofficePath").Value!;

    /// <summary>The PEM block of the signing-key answer (plain PEM, or JSON carrying it).</summary>
    private static string ExtractPem(string answer)
    {
        var start = answer.IndexOf("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal);
        var end = answer.IndexOf("-----END PUBLIC KEY-----", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no PEM in the signing-key answer: {answer}");
        return answer[start..(end + "-----END PUBLIC KEY-----".Length)].Replace("\\n", "\n", StringComparison.Ordinal);
    }

    private static void Send<T>(HttpClient admin, HttpMethod method, string path, T body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json") };
        using var response = admin.Send(request);
        Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{method} {path}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }

    private static string Tap(ValidatorProcess daemon, CardholderData card, string logMarker)
    {
        using var virtualCard = new VpcdCard(CardProfiles.Mastercard(card), new VpcdOptions { Port = PcscStack.Port });
        virtualCard.Insert();
        var line = WaitFor(daemon, logMarker);
        virtualCard.Remove();
        PcscStack.RequireEmptyReader();
        return line;
    }

    /// <summary>The back office's stored taps of this device, once there are <paramref name="count"/>.</summary>
    private static List<JsonElement> WaitForTaps(HttpClient admin, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var doc = JsonDocument.Parse(admin.GetStringAsync($"/v1/admin/taps?deviceId={DeviceId}").GetAwaiter().GetResult());
            var taps = (doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("taps")).EnumerateArray().Select(t => t.Clone()).ToList();
            if (taps.Count >= count) return taps;
            if (DateTime.UtcNow > deadline) Assert.Fail($"the back office holds {taps.Count} taps, expected {count}");
            Thread.Sleep(100); // polling another process's HTTP API: there is no event to wait on
        }
    }

    /// <summary>The reader state the device's last heartbeat reported, once it says something other than "unknown".</summary>
    private static string WaitForHeartbeatReaderState(HttpClient admin)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var doc = JsonDocument.Parse(admin.GetStringAsync($"/v1/admin/devices/{DeviceId}").GetAwaiter().GetResult());
            if (doc.RootElement.TryGetProperty("lastHeartbeat", out var heartbeat) && heartbeat.ValueKind == JsonValueKind.Object
                && heartbeat.GetProperty("readerState").GetString() is { } state && state != "unknown")
            {
                return state;
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"no heartbeat with a reader state: {doc.RootElement}");
            Thread.Sleep(100); // polling another process's HTTP API: there is no event to wait on
        }
    }

    /// <summary>The per-step tap latency of the device's last heartbeat, once it counts <paramref name="taps"/> taps.</summary>
    private static List<JsonElement> WaitForHeartbeatSteps(HttpClient admin, int taps)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var doc = JsonDocument.Parse(admin.GetStringAsync($"/v1/admin/devices/{DeviceId}").GetAwaiter().GetResult());
            if (doc.RootElement.TryGetProperty("lastHeartbeat", out var heartbeat) && heartbeat.ValueKind == JsonValueKind.Object && heartbeat.GetProperty("latency").TryGetProperty("tapSteps", out var steps) && steps.ValueKind == JsonValueKind.Array)
            {
                var list = steps.EnumerateArray().Select(s => s.Clone()).ToList();
                if (list.TrueForAll(s => s.GetProperty("count").GetInt64() >= taps)) return list;
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"no heartbeat with the latency of {taps} taps: {doc.RootElement}");
            Thread.Sleep(100); // polling another process's HTTP API: there is no event to wait on
        }
    }

    private static string WaitFor(ValidatorProcess process, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var line = process.NextLine(deadline - DateTime.UtcNow);
            if (line.Contains(text, StringComparison.Ordinal)) return line;
        }
    }

    /// <summary>Waits until every one of <paramref name="texts"/> has appeared, in any order.</summary>
    private static void WaitForAll(ValidatorProcess process, params string[] texts)
    {
        var missing = new HashSet<string>(texts, StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + Patience;
        while (missing.Count > 0)
        {
            var line = process.NextLine(deadline - DateTime.UtcNow);
            missing.RemoveWhere(t => line.Contains(t, StringComparison.Ordinal));
        }
    }

    private static Match WaitFor(ValidatorProcess process, Regex pattern)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var match = pattern.Match(process.NextLine(deadline - DateTime.UtcNow));
            if (match.Success) return match;
        }
    }
}
