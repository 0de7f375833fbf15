using System.Net.Sockets;
using System.Text;
using Validator.Core.Fares;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;
using Validator.Storage.Journal;

namespace Validator.Daemon.Tests;

/// <summary>
/// <c>validator run</c> as systemd runs it: a real process on the real PC/SC stack, READY and WATCHDOG over
/// NOTIFY_SOCKET, taps served and stored, SIGTERM for a clean stop.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Run_as_a_service
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private DirectoryInfo _root = null!;
    private string _config = null!;
    private string _data = null!;

    [SetUp]
    public void Prepare()
    {
        PcscStack.RequireEmptyReader();
        _root = Directory.CreateTempSubdirectory("validator-run-");
        _data = Path.Combine(_root.FullName, "data");
        _config = Path.Combine(_root.FullName, "validator.json");
        File.WriteAllText(_config, $$"""
            {
              "Device": { "Id": "bus-0417-door-1", "DataDirectory": "{{_data}}", "Line": "110", "Stop": "Bernburg ZOB" },
              "Cards": { "TokenKey": "{{Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 7)).ToArray())}}" }
            }
            """);
    }

    [TearDown]
    public void Clean() => _root.Delete(recursive: true);

    [Test]
    public void It_reports_ready_and_alive_to_systemd_serves_taps_and_stops_cleanly_on_SIGTERM()
    {
        var notifySocket = Path.Combine(_root.FullName, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifySocket));
        notify.ReceiveTimeout = (int)Patience.TotalMilliseconds;

        using var service = ValidatorProcess.Start(["run"], new Dictionary<string, string>
        {
            ["VALIDATOR_CONFIG"] = _config,
            ["NOTIFY_SOCKET"] = notifySocket,
            ["WATCHDOG_USEC"] = "2000000",
        });

        var messages = new List<string>();
        string Receive()
        {
            var buffer = new byte[512];
            var n = notify.Receive(buffer);
            var message = Encoding.UTF8.GetString(buffer, 0, n);
            messages.Add(message);
            return message;
        }
        while (!messages.Any(m => m.Contains("READY=1", StringComparison.Ordinal))) Receive();
        while (!messages.Any(m => m.Contains("WATCHDOG=1", StringComparison.Ordinal))) Receive();

        using (var card = new VpcdCard(CardProfiles.Mastercard(new CardholderData("5413330089600010", "2812", 1)), new VpcdOptions { Port = PcscStack.Port }))
        {
            card.Insert();
            var logged = WaitForOutput(service, "Tap 1:");
            Assert.That(logged, Does.Contain(FareReasons.NoTicket).And.Contain("…0010"));
            card.Remove();
        }

        service.Terminate();
        Assert.That(service.WaitForExit(Patience), Is.Zero, service.Output);
        while (!messages.Any(m => m.Contains("STOPPING=1", StringComparison.Ordinal))) Receive();
        Assert.That(PanScanner.Find(service.Output), Is.Empty);
        Assert.That(service.Output.Contains("5413330089600010", StringComparison.Ordinal), Is.False, "the PAN appears in the log");

        using var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(_data, "journal") });
        var taps = journal.ReadUnsent(10);
        Assert.That(taps, Has.Count.EqualTo(1));
        Assert.That(taps[0].DeviceId, Is.EqualTo("bus-0417-door-1"));
        Assert.That(taps[0].Reason, Is.EqualTo(FareReasons.NoTicket));
        Assert.That(taps[0].Line, Is.EqualTo("110"));
    }

    [Test]
    public void A_SIGTERM_while_start_still_waits_for_pcscd_is_a_clean_stop_not_a_failed_start()
    {
        // pcscd pointed at a socket nobody serves: start waits out its grace for it, so the SIGTERM surely lands there.
        using var service = ValidatorProcess.Start(["run"], new Dictionary<string, string>
        {
            ["VALIDATOR_CONFIG"] = _config,
            ["PCSCLITE_CSOCK_NAME"] = Path.Combine(_root.FullName, "no-pcscd.comm"),
        });
        WaitForOutput(service, "Lists loaded in");

        service.Terminate();

        Assert.That(service.WaitForExit(Patience), Is.Zero, service.Output);
        Assert.That(service.Output, Does.Not.Contain("pcscd not reachable"), "the stop came after the grace: this run did not test a stop during start");
        Assert.That(service.Output, Does.Not.Contain("Hosting failed to start").And.Not.Contain("Unhandled exception")
            .And.Not.Contain("BackgroundService failed").And.Not.Contain("crit:"));
    }

    [Test]
    public void A_configuration_without_a_device_id_is_refused_with_what_to_fix()
    {
        File.WriteAllText(_config, """{ "Cards": { "TokenKey": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" } }""");
        using var service = ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = _config });
        Assert.That(service.WaitForExit(Patience), Is.EqualTo(78));
        Assert.That(service.Output, Does.Contain("Device:Id is empty").And.Contain("validator provision"));
    }

    /// <summary>Waits for a line of the service's output containing <paramref name="text"/>.</summary>
    private static string WaitForOutput(ValidatorProcess service, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var line = service.NextLine(deadline - DateTime.UtcNow);
            if (line.Contains(text, StringComparison.Ordinal)) return line;
        }
    }
}
