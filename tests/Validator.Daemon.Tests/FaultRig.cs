using System.Net.Http.Json;
using System.Net.Sockets;
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
/// For fault tests on the whole system: the back office as a process with a pass, a blocked card and pay-as-you-go
/// published, and a daemon configuration pointing at it; <see cref="StartDaemon"/> runs <c>validator run</c> on the real
/// pcscd + vpcd, as often as a test kills it.
/// </summary>
internal sealed class FaultRig : IDisposable
{
    public const string DeviceId = "bus-0417-door-3";
    private const string DeviceSecret = "device-secret-for-the-fault-tests";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new CardTokenJsonConverter() } };
    private readonly byte[] _tokenKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>Holds a student pass.</summary>
    public static readonly CardholderData Student = new("5413330089600010", "2812", 1);

    /// <summary>On the deny list (lost).</summary>
    public static readonly CardholderData Blocked = new("5555555555554444", "2812", 1);

    /// <summary>No pass: pay-as-you-go, chargeable.</summary>
    public static readonly CardholderData Traveller = new("5204740000009876", "3011", 1);

    public FaultRig(string prefix, IReadOnlyDictionary<string, string>? device = null, IReadOnlyDictionary<string, string>? journal = null)
    {
        PcscStack.RequireEmptyReader();
        Root = Directory.CreateTempSubdirectory(prefix);
        Data = Path.Combine(Root.FullName, "data");
        Backoffice = BackofficeProcess.Start(Root.FullName, DeviceId, DeviceSecret);
        var tokens = new CardTokenizer(_tokenKey);
        Backoffice.Send(HttpMethod.Put, "/v1/admin/policy", new FarePolicy { Products = [new Product("student", "Schülerticket")], AcceptPayAsYouGo = true });
        Backoffice.Send(HttpMethod.Put, "/v1/admin/entitlements", new[]
        {
            new Entitlement { Id = "pass-1", Token = tokens.ForPan(Student.Pan.AsSpan()), Product = "student", ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31) },
        });
        Backoffice.Send(HttpMethod.Post, "/v1/admin/deny", new[] { new DenyEntry { Token = tokens.ForPan(Blocked.Pan.AsSpan()), Reason = DenyReason.Lost, AddedAt = DateTimeOffset.UtcNow } });

        var deviceSection = new Dictionary<string, string> { ["Id"] = DeviceId, ["DataDirectory"] = Data, ["Line"] = "110" };
        foreach (var (key, value) in device ?? new Dictionary<string, string>()) deviceSection[key] = value;
        Config = Path.Combine(Root.FullName, "validator.json");
        File.WriteAllText(Config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Device"] = deviceSection,
            ["Cards"] = new Dictionary<string, string> { ["TokenKey"] = Convert.ToBase64String(_tokenKey) },
            ["Journal"] = journal ?? new Dictionary<string, string>(),
            ["Sync"] = new Dictionary<string, string>
            {
                ["UpstreamUrl"] = Backoffice.Url, ["DeviceSecret"] = DeviceSecret, ["ListSigningKeyPem"] = Backoffice.SigningKeyPem(),
                ["UploadInterval"] = "00:00:00.200", ["ListPollInterval"] = "00:00:00.500", ["HeartbeatInterval"] = "00:00:00.500",
            },
        }));
    }

    /// <summary>Blocks one more (made-up) card at the back office: a new deny list version for the device to fetch.</summary>
    public void BlockAnotherCard(int number)
    {
        var pan = "40000000" + number.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        Backoffice.Send(HttpMethod.Post, "/v1/admin/deny", new[] { new DenyEntry { Token = new CardTokenizer(_tokenKey).ForPan(pan.AsSpan()), Reason = DenyReason.Stolen, AddedAt = DateTimeOffset.UtcNow } });
    }

    public DirectoryInfo Root { get; }

    public string Data { get; }

    public string Config { get; }

    public BackofficeProcess Backoffice { get; }

    /// <summary>Starts <c>validator run</c> on this configuration (with extra environment, e.g. LD_PRELOAD) and waits for READY.</summary>
    public RunningDaemon StartDaemon(IReadOnlyDictionary<string, string>? environment = null) =>
        RunningDaemon.Start(Root.FullName, Config, environment);

    /// <summary>The last heartbeat the back office holds from the device, once <paramref name="done"/> holds for it.</summary>
    public Heartbeat WaitForHeartbeat(Func<Heartbeat, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            DeviceView? view;
            try
            {
                view = Backoffice.Admin.GetFromJsonAsync<DeviceView>($"/v1/admin/devices/{DeviceId}", Json).GetAwaiter().GetResult();
            }
            catch (HttpRequestException e) when (e.StatusCode is { } status && (int)status >= 500)
            {
                // The reference back office failed: what it logged is the evidence.
                Assert.Fail($"the back office answered {(int)status} to the device view; its output:\n{Backoffice.Process.Output}");
                throw;
            }
            if (view?.LastHeartbeat is { } heartbeat && done(heartbeat)) return heartbeat;
            if (DateTime.UtcNow > deadline) Assert.Fail($"no heartbeat {what}; last: {JsonSerializer.Serialize(view, Json)}");
            Thread.Sleep(100); // polling another process's HTTP API: there is no event to wait on
        }
    }

    /// <summary>The list versions the back office publishes, read from the heartbeat reply's view of a fresh device start.</summary>
    public ListVersions WaitForListsInService(ListVersions? expected = null) =>
        WaitForHeartbeat(h => expected is { } e ? h.Lists == e : h.Lists is { DenyList: > 0, Entitlements: > 0, Policy: > 0 },
            expected is null ? "with all three lists" : $"with lists {expected}").Lists;

    public void Dispose()
    {
        Backoffice.Dispose();
        try
        {
            Root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A mount point (a test's tmpfs) that the test unmounts itself.
        }
    }
}

/// <summary><c>validator run</c> as a process with a systemd notify socket, and taps on the vpcd reader.</summary>
internal sealed partial class RunningDaemon : IDisposable
{
    private readonly Socket _notify;

    private RunningDaemon(ValidatorProcess process, Socket notify)
    {
        Process = process;
        _notify = notify;
    }

    public ValidatorProcess Process { get; }

    [GeneratedRegex(@"\] Tap (-?\d+): ([a-z.\-]+) \(")]
    private static partial Regex TapLine();

    public static RunningDaemon Start(string root, string config, IReadOnlyDictionary<string, string>? environment)
    {
        var socketPath = Path.Combine(root, "notify.sock");
        File.Delete(socketPath);
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        notify.ReceiveTimeout = (int)FaultRig.Patience.TotalMilliseconds;
        var env = new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = config, ["NOTIFY_SOCKET"] = socketPath };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) env[key] = value;
        var daemon = new RunningDaemon(ValidatorProcess.Start(["run"], env), notify);
        daemon.WaitForReady();
        return daemon;
    }

    /// <summary>Waits for READY=1 on the notify socket (systemd's "the service is up").</summary>
    private void WaitForReady()
    {
        var buffer = new byte[512];
        while (true)
        {
            int n;
            try
            {
                n = _notify.Receive(buffer);
            }
            catch (SocketException)
            {
                Assert.Fail($"no READY within {FaultRig.Patience.TotalSeconds:F0} s; output:\n{Process.Output}");
                return;
            }
            if (Encoding.UTF8.GetString(buffer, 0, n).Contains("READY=1", StringComparison.Ordinal)) return;
        }
    }

    /// <summary>The next stdout line containing <paramref name="text"/>.</summary>
    public string WaitFor(string text)
    {
        var deadline = DateTime.UtcNow + FaultRig.Patience;
        while (true)
        {
            var line = Process.NextLine(deadline - DateTime.UtcNow);
            if (line.Contains(text, StringComparison.Ordinal)) return line;
        }
    }

    /// <summary>Taps <paramref name="card"/> on the virtual reader; the logged sequence (-1 when not stored), reason and the lines up to it.</summary>
    public ServedTap Tap(CardholderData card)
    {
        var lines = new List<string>();
        using (var virtualCard = new VpcdCard(CardProfiles.Mastercard(card), new VpcdOptions { Port = PcscStack.Port }))
        {
            virtualCard.Insert();
            var deadline = DateTime.UtcNow + FaultRig.Patience;
            while (true)
            {
                var line = Process.NextLine(deadline - DateTime.UtcNow);
                lines.Add(line);
                var match = TapLine().Match(line);
                if (!match.Success) continue;
                virtualCard.Remove();
                PcscStack.RequireEmptyReader();
                return new ServedTap(long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, lines);
            }
        }
    }

    /// <summary>SIGKILL, as a power cut ends a process: no shutdown code runs.</summary>
    public void Kill() => Process.KillHard();

    public void Dispose()
    {
        Process.Dispose();
        _notify.Dispose();
    }
}

/// <summary>One tap as the daemon logged it.</summary>
internal sealed record ServedTap(long Sequence, string Reason, IReadOnlyList<string> Lines)
{
    public bool Stored => Sequence > 0;

    public bool Accepted => Reason is FareReasons.AcceptedPass or FareReasons.AcceptedPayAsYouGo;
}
