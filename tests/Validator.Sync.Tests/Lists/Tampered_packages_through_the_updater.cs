using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Sync.Lists;

namespace Validator.Sync.Tests.Lists;

/// <summary>
/// A man in the middle between the device and the real back office (a loopback HTTP server that answers the device's
/// list requests with packages the back office really signed, changed on the way): every change is refused by the
/// device's updater and nothing is applied.
/// </summary>
public sealed class Tampered_packages_through_the_updater
{
    private TestBackoffice _backoffice = null!;
    private ListRig _device = null!;
    private HttpListener _middle = null!;
    private Uri _middleUrl = null!;
    private Func<string, byte[]?> _answer = _ => null;

    [SetUp]
    public async Task Start()
    {
        _backoffice = await TestBackoffice.StartAsync();
        _device = new ListRig();
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _middleUrl = new Uri($"http://127.0.0.1:{port}/");
        _middle = new HttpListener();
        _middle.Prefixes.Add(_middleUrl.ToString());
        _middle.Start();
        _ = Task.Run(Serve);
    }

    [TearDown]
    public async Task Stop()
    {
        _middle.Close();
        _device.Dispose();
        await _backoffice.DisposeAsync();
    }

    private async Task Serve()
    {
        while (_middle.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _middle.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var response = context.Response;
            var body = _answer(context.Request.Url!.AbsolutePath);
            if (body is null)
            {
                response.StatusCode = 204;
                continue;
            }
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body);
        }
    }

    /// <summary>The package the back office signed for <paramref name="list"/>, fetched as the device would.</summary>
    private async Task<SignedListPackage> Genuine(ListKind list)
    {
        using var device = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
        return (await device.GetFromJsonAsync($"/v1/devices/{TestBackoffice.DeviceA}/lists/{list.ToSegment()}?since=0", SyncJsonContext.Default.SignedListPackage))!;
    }

    private static DenyEntry Deny(int card) => new() { Token = TestTaps.Token(card), Reason = DenyReason.Stolen, AddedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero) };

    private static byte[] Json(SignedListPackage package) => JsonSerializer.SerializeToUtf8Bytes(package, SyncJsonContext.Default.SignedListPackage);

    private async Task<ListUpdateReport> UpdateDenyThroughTheMiddle(byte[] denyAnswer)
    {
        _answer = path => path.EndsWith("/lists/deny", StringComparison.Ordinal) ? denyAnswer : null;
        var before = _device.Lists.Live.Current;
        var reports = await _device.Updater(_middleUrl, _backoffice.Running.PublicKeyPem).UpdateAsync();
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before), "nothing was applied");
        return reports.Single(r => r.List == ListKind.Deny);
    }

    [Test]
    public async Task An_entitlements_package_passed_off_as_the_deny_list_is_refused()
    {
        await _backoffice.PutEntitlementsAsync(new Entitlement { Id = "pass-1", Token = TestTaps.Token(1), Product = "student-pass", ValidFrom = new DateOnly(2026, 9, 1), ValidTo = new DateOnly(2027, 7, 31) });

        var report = await UpdateDenyThroughTheMiddle(Json(await Genuine(ListKind.Entitlements)));

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(report.Problem, Does.Contain("for the entitlements list, not deny"));
    }

    [TestCase(true, TestName = "A deny package with one byte of its payload changed on the way is refused")]
    [TestCase(false, TestName = "A deny package with one byte of its signature changed on the way is refused")]
    public async Task A_changed_byte_is_refused(bool inPayload)
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));
        var genuine = await Genuine(ListKind.Deny);
        var bytes = Convert.FromBase64String(inPayload ? genuine.Payload : genuine.Signature);
        bytes[bytes.Length / 2] ^= 0x01;
        var tampered = inPayload ? genuine with { Payload = Convert.ToBase64String(bytes) } : genuine with { Signature = Convert.ToBase64String(bytes) };

        var report = await UpdateDenyThroughTheMiddle(Json(tampered));

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(report.Problem, Does.Contain("signature"));
    }

    [Test]
    public async Task The_genuine_package_through_the_same_middle_is_applied()
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));
        var genuine = Json(await Genuine(ListKind.Deny));
        _answer = path => path.EndsWith("/lists/deny", StringComparison.Ordinal) ? genuine : null;

        var reports = await _device.Updater(_middleUrl, _backoffice.Running.PublicKeyPem).UpdateAsync();

        Assert.That(reports.Single(r => r.List == ListKind.Deny).Outcome, Is.EqualTo(ListUpdateOutcome.Applied), "the middle itself changes nothing");
        Assert.That(_device.Lists.Live.Current.DenyList.Count, Is.EqualTo(2));
    }
}
