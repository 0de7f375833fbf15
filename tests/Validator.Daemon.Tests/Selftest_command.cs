using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Validator.Daemon.Tests;

/// <summary><c>validator selftest</c>: every check PASS/WARN/FAIL with a reason; exit 1 on any FAIL.</summary>
[TestFixture]
public sealed class Selftest_command
{
    private TechnicianDevice _device = null!;
    private FakeBackoffice _backoffice = null!;

    [SetUp]
    public void Device()
    {
        _device = new TechnicianDevice();
        _backoffice = new FakeBackoffice(TechnicianDevice.DeviceId, TechnicianDevice.DeviceSecret);
        var (exit, output) = _device.Provision(_backoffice.Url);
        Assert.That(exit, Is.Zero, output);
    }

    [TearDown]
    public void Clean()
    {
        _backoffice.Dispose();
        _device.Dispose();
    }

    [Test]
    public void Passes_with_pcscd_a_reader_simulated_gpio_and_the_back_office_up()
    {
        PcscStack.RequireEmptyReader();

        var (exit, output) = _device.Run("selftest", "--simulate-gpio");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Not.Contain("FAIL"));
        foreach (var check in new[] { "configuration", "leds", "reader", "storage", "journal", "lists", "upstream" })
        {
            Assert.That(output, Does.Match($"(?m)^PASS  {check} "), $"{check} passes");
        }
        Assert.That(output, Does.Contain(PcscStack.ReaderName));
        Assert.That(_backoffice.Requests, Is.GreaterThan(0), "the back office was asked, with this device's credentials");
    }

    [Test]
    public void Json_output_has_one_entry_per_check_with_its_verdict()
    {
        PcscStack.RequireEmptyReader();

        var (exit, output) = _device.Run("selftest", "--json", "--skip-gpio");

        Assert.That(exit, Is.Zero, output);
        using var report = JsonDocument.Parse(output);
        var checks = report.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("result").GetString());
        Assert.That(checks["reader"], Is.EqualTo("PASS"));
        Assert.That(checks["leds"], Is.EqualTo("WARN"), "skipped is a warning, not a pass");
        Assert.That(report.RootElement.GetProperty("passed").GetBoolean(), Is.True);
    }

    [Test]
    public void Fails_with_a_clear_line_when_no_pcscd_answers()
    {
        // pcsc-lite's client connects to the socket this variable names: one where no pcscd listens.
        var environment = new Dictionary<string, string> { ["PCSCLITE_CSOCK_NAME"] = Path.Combine(_device.Root, "no-pcscd.comm") };

        var (exit, output) = _device.Run(["selftest", "--simulate-gpio"], environment);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Match("(?m)^FAIL  reader +pcscd not reachable"));
        Assert.That(output, Does.Contain("selftest FAILED"));
    }

    [Test]
    public void Fails_with_a_clear_line_when_the_data_directory_is_read_only()
    {
        // Root ignores file modes, so the data directory becomes a read-only file system.
        if (!OperatingSystem.IsLinux() || RunTool("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", _device.DataDirectory) != 0)
            Assert.Ignore("needs root on Linux to mount a read-only tmpfs");
        try
        {
            var (exit, output) = _device.Run("selftest", "--skip-gpio");

            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(output, Does.Match($"(?m)^FAIL  storage +{_device.DataDirectory} is not writable: .*Read-only file system"));
        }
        finally
        {
            RunTool("umount", _device.DataDirectory);
        }
    }

    [Test]
    public void A_device_secret_the_back_office_refuses_fails_the_upstream_check()
    {
        _backoffice.Secret = "another-secret-entirely";

        var (exit, output) = _device.Run("selftest", "--skip-gpio");

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Match("(?m)^FAIL  upstream .*refused device 'BUS-0042-FRONT' \\(HTTP 401\\)"));
        Assert.That(output, Does.Not.Contain(TechnicianDevice.DeviceSecret));
    }

    private static int RunTool(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The back office's device status route on loopback: 200 for the right id and secret, 401 otherwise.</summary>
    private sealed class FakeBackoffice : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly string _deviceId;
        private int _requests;

        public FakeBackoffice(string deviceId, string secret)
        {
            _deviceId = deviceId;
            Secret = secret;
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Serve();
        }

        public string Url { get; }

        public volatile string Secret;

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose() => _listener.Close();

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                var authorized = context.Request.Headers["Authorization"] == $"Bearer {Secret}" && context.Request.Headers["X-Device-Id"] == _deviceId
                    && context.Request.Url!.AbsolutePath == $"/v1/devices/{_deviceId}/status";
                context.Response.StatusCode = authorized ? 200 : 401;
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
