using System.Security.Cryptography;
using System.Text.Json;
using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

namespace Validator.Daemon.Tests;

/// <summary>
/// The whole system as it runs on a bus: the daemon as a process on real pcscd + vpcd, the back office as a process on
/// loopback. Lists come down signed, taps go up, and a card blocked at the back office is refused at the door.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Daemon_and_back_office
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly byte[] TokenKey = RandomNumberGenerator.GetBytes(32);
    private const string DeviceId = BackofficeProcess.DeviceId;
    private DirectoryInfo _root = null!;

    [SetUp]
    public void Prepare()
    {
        PcscStack.RequireEmptyReader();
        _root = Directory.CreateTempSubdirectory("validator-e2e-");
    }

    [TearDown]
    public void Clean() => _root.Delete(recursive: true);

    [Test]
    public void Taps_reach_the_back_office_a_card_blocked_there_is_refused_at_the_next_tap_and_a_restart_serves_the_stored_lists()
    {
        var student = new CardholderData("5413330089600010", "2812", 1);
        var token = new CardTokenizer(TokenKey).ForPan(student.Pan.AsSpan());

        using var backoffice = BackofficeProcess.Start(_root);
        backoffice.Send(HttpMethod.Put, "/v1/admin/policy", new FarePolicy { Products = [new Product("student", "Schülerticket")] });
        backoffice.Send(HttpMethod.Put, "/v1/admin/entitlements", new[]
        {
            new Entitlement { Id = "pass-1", Token = token, Product = "student", ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31) },
        });
        var admin = backoffice.Admin;
        var config = backoffice.WriteDeviceConfig(Path.Combine(_root.FullName, "validator.json"), Path.Combine(_root.FullName, "data"), TokenKey,
            uploadInterval: TimeSpan.FromMilliseconds(200), listPollInterval: TimeSpan.FromMilliseconds(500), heartbeatInterval: TimeSpan.FromSeconds(1));
        using var daemon = ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = config });
        daemon.WaitForAllLines(Patience, "List entitlements updated to version", "List policy updated to version");

        Assert.That(Tap(daemon, student, "Tap 1:"), Does.Contain(FareReasons.AcceptedPass));
        var stored = backoffice.WaitForTaps(1);
        Assert.That(stored[0].GetProperty("reason").GetString(), Is.EqualTo(FareReasons.AcceptedPass));
        Assert.That(stored[0].GetProperty("cardToken").GetString(), Is.EqualTo(token.ToString()));

        backoffice.Send(HttpMethod.Post, "/v1/admin/deny", new[] { new DenyEntry { Token = token, Reason = DenyReason.Lost, AddedAt = DateTimeOffset.UtcNow } });
        daemon.WaitForLine("List deny updated to version", Patience);

        Assert.That(Tap(daemon, student, "Tap 2:"), Does.Contain(FareReasons.Denied));
        stored = backoffice.WaitForTaps(2);
        Assert.That(stored[1].GetProperty("reason").GetString(), Is.EqualTo(FareReasons.Denied));
        var steps = WaitForHeartbeatSteps(admin, taps: 2);
        Assert.That(steps.Select(s => s.GetProperty("step").GetString()), Is.EqualTo(new[] { "connect", "read", "decide", "journal", "disk sync", "feedback", "total" }));
        Assert.That(steps.Single(s => s.GetProperty("step").GetString() == "read").GetProperty("p99Ms").GetDouble(), Is.GreaterThan(0));

        Assert.That(WaitForHeartbeatReaderState(admin), Does.EndWith("reader(s)"), "the heartbeat says how many readers the device sees");

        daemon.Terminate();
        Assert.That(daemon.WaitForExit(Patience), Is.Zero, daemon.Output);

        // Started again, it serves from what it stored, and says so: both lists at the versions it downloaded, with how
        // long opening them took (what a technician reads when a start is slow).
        var deny = LastVersion(daemon.Output, "deny");
        var entitlements = LastVersion(daemon.Output, "entitlements");
        using var again = ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = config });
        var loaded = again.WaitForLine(new System.Text.RegularExpressions.Regex(@"Lists loaded in \d+ ms: (\d+) deny entries \(version (\d+)\) read in \d+ ms, (\d+) entitlements \(version (\d+)\)"), Patience);
        Assert.That(loaded.Groups.Values.Skip(1).Select(g => long.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 1, deny, 1, entitlements }));
        again.WaitForLine("Application started", Patience);
        again.Terminate();
        Assert.That(again.WaitForExit(Patience), Is.Zero, again.Output);

        var output = daemon.Output + again.Output + backoffice.Process.Output;
        Assert.That(PanScanner.Find(output), Is.Empty);
        Assert.That(output.Contains(student.Pan, StringComparison.Ordinal), Is.False, "a PAN appears in a log");
    }

    private static long LastVersion(string output, string list) =>
        System.Text.RegularExpressions.Regex.Matches(output, $@"List {list} updated to version (\d+)").Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Last();

    private static string Tap(ValidatorProcess daemon, CardholderData card, string logMarker)
    {
        using var virtualCard = new VpcdCard(CardProfiles.Mastercard(card), new VpcdOptions { Port = PcscStack.Port });
        virtualCard.Insert();
        var line = daemon.WaitForLine(logMarker, Patience);
        virtualCard.Remove();
        PcscStack.RequireEmptyReader();
        return line;
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
}
