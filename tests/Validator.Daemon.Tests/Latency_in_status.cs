using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

namespace Validator.Daemon.Tests;

/// <summary>
/// Per-step tap latency: the running service keeps histograms and publishes them to its data directory, and
/// <c>validator status</c> (another process, same configuration) shows them.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Latency_in_status
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private DirectoryInfo _root = null!;
    private string _config = null!;

    [SetUp]
    public void Prepare()
    {
        PcscStack.RequireEmptyReader();
        _root = Directory.CreateTempSubdirectory("validator-latency-");
        _config = Path.Combine(_root.FullName, "validator.json");
        File.WriteAllText(_config, $$"""
            {
              "Device": { "Id": "bus-0417-door-1", "DataDirectory": "{{Path.Combine(_root.FullName, "data")}}" },
              "Cards": { "TokenKey": "{{Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 3)).ToArray())}}" }
            }
            """);
    }

    [TearDown]
    public void Clean() => _root.Delete(recursive: true);

    [Test]
    public void Three_taps_show_in_status_with_every_step_counted_while_the_service_runs_and_after_it_stopped()
    {
        var notifySocket = Path.Combine(_root.FullName, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifySocket));
        notify.ReceiveTimeout = (int)Patience.TotalMilliseconds;
        using var service = ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = _config, ["NOTIFY_SOCKET"] = notifySocket });
        var buffer = new byte[512];
        while (!Encoding.UTF8.GetString(buffer, 0, notify.Receive(buffer)).Contains("READY=1", StringComparison.Ordinal))
        {
        }

        var (_, before) = Status();
        Assert.That(before, Does.Contain("latency       no taps since start"));

        string[] pans = ["5413330089600010", "5413330089600028", "5413330089600036"];
        for (var i = 0; i < pans.Length; i++)
        {
            using var card = new VpcdCard(CardProfiles.Mastercard(new CardholderData(pans[i], "2812", 1)), new VpcdOptions { Port = PcscStack.Port });
            card.Insert();
            WaitForOutput(service, $"Tap {i + 1}:");
            card.Remove();
            PcscStack.RequireEmptyReader();
        }

        // The service writes its figures every 10 s while taps come in; ask until they include the third tap.
        var deadline = DateTime.UtcNow + Patience;
        JsonElement latency;
        while (!TryLatency(Status("--json").Output, out latency) || latency.GetProperty("taps").GetInt64() < 3)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"status showed no latency for 3 taps within {Patience.TotalSeconds} s");
        }
        Assert.That(latency.GetProperty("taps").GetInt64(), Is.EqualTo(3), service.Output);
        AssertThreeTaps(latency);

        service.Terminate();
        Assert.That(service.WaitForExit(Patience), Is.Zero, service.Output);

        Assert.That(TryLatency(Status("--json").Output, out var afterStop), Is.True, "the figures written at stop stay for a look at a stopped service");
        AssertThreeTaps(afterStop);
        var (exit, text) = Status();
        Assert.That(exit, Is.Zero, text);
        Assert.That(text, Does.Match(@"\n  read +p50 [0-9.]+ ms p99 [0-9.]+ ms max [0-9.]+ ms \(3 taps\)\n"));
        Assert.That(text, Does.Match(@"\n  disk sync +p50 [0-9.]+ ms p99 [0-9.]+ ms max [0-9.]+ ms \(3 taps\)\n"));
        Assert.That(text, Does.Match(@"\n  total +p50 [0-9.]+ ms p99 [0-9.]+ ms max [0-9.]+ ms \(3 taps\)\n"));
    }

    private static void AssertThreeTaps(JsonElement latency)
    {
        var steps = latency.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step").GetString()!);
        Assert.That(steps.Keys, Is.EqualTo(new[] { "connect", "read", "decide", "journal", "disk sync", "feedback", "total" }));
        Assert.That(steps.Values.Select(s => s.GetProperty("count").GetInt64()), Is.All.EqualTo(3));
        foreach (var step in new[] { "read", "total" })
        {
            Assert.That(steps[step].GetProperty("p99Ms").GetDouble(), Is.GreaterThan(0), step);
            Assert.That(steps[step].GetProperty("maxMs").GetDouble(), Is.GreaterThanOrEqualTo(steps[step].GetProperty("p50Ms").GetDouble()), step);
        }
        Assert.That(steps["total"].GetProperty("maxMs").GetDouble(), Is.GreaterThanOrEqualTo(steps["read"].GetProperty("maxMs").GetDouble()), "a tap's total includes its read");
        Assert.That(steps["disk sync"].GetProperty("maxMs").GetDouble(), Is.LessThanOrEqualTo(steps["journal"].GetProperty("maxMs").GetDouble()), "the disk's sync is part of the journal step");
    }

    private static bool TryLatency(string statusJson, out JsonElement latency)
    {
        using var report = JsonDocument.Parse(statusJson);
        var found = report.RootElement.TryGetProperty("latency", out var element);
        latency = found ? element.Clone() : default;
        return found;
    }

    private (int Exit, string Output) Status(params string[] args)
    {
        using var status = ValidatorProcess.Start(["status", .. args], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = _config });
        var exit = status.WaitForExit(Patience);
        return (exit, status.Output);
    }

    private static void WaitForOutput(ValidatorProcess service, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!service.NextLine(deadline - DateTime.UtcNow).Contains(text, StringComparison.Ordinal))
        {
        }
    }
}
