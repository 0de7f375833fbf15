using System.Net;
using System.Net.Sockets;
using System.Text;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Sync.Lists;

namespace Validator.Sync.Tests.Lists;

/// <summary>
/// A man in the middle between the device and the real back office (a loopback HTTP server that answers the device's
/// list requests with the body and signature header the back office really sent, changed on the way): every change
/// is refused by the device's updater and nothing is applied. Content damaged before signing (a back office that
/// signs garbage) is refused by the content checks the same way.
/// </summary>
public sealed class Tampered_packages_through_the_updater
{
    private TestBackoffice _backoffice = null!;
    private ListRig _device = null!;
    private HttpListener _middle = null!;
    private Uri _middleUrl = null!;
    private Func<string, Answered?> _answer = _ => null;

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
            var answered = _answer(context.Request.Url!.AbsolutePath);
            if (answered is null)
            {
                response.StatusCode = 204;
                continue;
            }
            response.ContentType = "application/json";
            if (answered.Signature is not null) response.Headers[SyncHeaders.ListSignature] = answered.Signature;
            if (answered.KeyId is not null) response.Headers[SyncHeaders.ListKeyId] = answered.KeyId;
            await response.OutputStream.WriteAsync(answered.Body);
        }
    }

    /// <summary>A list answer: the body and the signature headers that came with it.</summary>
    private sealed record Answered(byte[] Body, string? Signature, string? KeyId);

    /// <summary>The package the back office signed for <paramref name="list"/>, fetched as the device would.</summary>
    private async Task<Answered> Genuine(ListKind list)
    {
        using var device = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
        using var response = await device.GetAsync($"/v1/devices/{TestBackoffice.DeviceA}/lists/{list.ToSegment()}?since=0");
        response.EnsureSuccessStatusCode();
        return new Answered(
            await response.Content.ReadAsByteArrayAsync(),
            response.Headers.GetValues(SyncHeaders.ListSignature).Single(),
            response.Headers.GetValues(SyncHeaders.ListKeyId).Single());
    }

    /// <summary><paramref name="json"/> signed with the back office's own key, as a back office that signs garbage would.</summary>
    private Answered SignedByTheBackoffice(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return new Answered(body, ListSigning.Sign(body, _backoffice.Key), ListSigning.KeyId(_backoffice.Key));
    }

    private static DenyEntry Deny(int card) => new() { Token = TestTaps.Token(card), Reason = DenyReason.Stolen, AddedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero) };

    private static Entitlement Pass(int card) => new()
    {
        Id = "pass-" + card, Token = TestTaps.Token(card), Product = "student-pass", ValidFrom = new DateOnly(2026, 9, 1), ValidTo = new DateOnly(2027, 7, 31), Lines = ["L1"],
    };

    private async Task<ListUpdateReport> UpdateThroughTheMiddle(ListKind list, Answered answer)
    {
        _answer = path => path.EndsWith("/lists/" + list.ToSegment(), StringComparison.Ordinal) ? answer : null;
        var before = _device.Lists.Live.Current;
        var reports = await _device.Updater(_middleUrl, _backoffice.Running.PublicKeyPem).UpdateAsync();
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before), "nothing was applied");
        return reports.Single(r => r.List == list);
    }

    private static void AssertRefused(ListUpdateReport report, string problem)
    {
        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused), report.Problem);
        Assert.That(report.Problem, Does.Contain(problem));
    }

    [Test]
    public async Task An_entitlements_package_passed_off_as_the_deny_list_is_refused()
    {
        await _backoffice.PutEntitlementsAsync(Pass(1));

        var report = await UpdateThroughTheMiddle(ListKind.Deny, await Genuine(ListKind.Entitlements));

        AssertRefused(report, "for the entitlements list, not deny");
    }

    [TestCase(true, TestName = "A deny package with one byte of its body changed on the way is refused")]
    [TestCase(false, TestName = "A deny package with one byte of its signature changed on the way is refused")]
    public async Task A_changed_byte_is_refused(bool inBody)
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));
        var genuine = await Genuine(ListKind.Deny);
        var body = genuine.Body.ToArray();
        var signature = Convert.FromBase64String(genuine.Signature!);
        if (inBody) body[body.Length / 2] ^= 0x01;
        else signature[signature.Length / 2] ^= 0x01;

        var report = await UpdateThroughTheMiddle(ListKind.Deny, genuine with { Body = body, Signature = Convert.ToBase64String(signature) });

        AssertRefused(report, "signature");
    }

    [Test]
    public async Task A_deny_package_cut_short_on_the_way_is_refused()
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));
        var genuine = await Genuine(ListKind.Deny);

        var report = await UpdateThroughTheMiddle(ListKind.Deny, genuine with { Body = genuine.Body[..(genuine.Body.Length - 10)] });

        AssertRefused(report, "signature");
    }

    [Test]
    public async Task A_deny_package_without_its_signature_header_is_refused()
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));

        var report = await UpdateThroughTheMiddle(ListKind.Deny, await Genuine(ListKind.Deny) with { Signature = null });

        AssertRefused(report, "no signature");
    }

    [TestCase("\"list\":\"deny\"", "\"list\":7", TestName = "A signed deny package naming an unknown list number is refused")]
    [TestCase("\"format\":\"snapshot\"", "\"format\":9", TestName = "A signed deny package with an unknown format number is refused")]
    [TestCase("\"denyEntries\":[", "\"denyEntries\":[null,", TestName = "A signed deny package with null where an entry goes is refused")]
    [TestCase("\"denyEntries\":[", "\"denyEntries\":[{\"reason\":\"lost\"},", TestName = "A signed deny package with an entry without a token is refused")]
    public async Task Damaged_content_in_a_validly_signed_deny_package_is_refused(string genuine, string damaged)
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));
        var json = Encoding.UTF8.GetString((await Genuine(ListKind.Deny)).Body);
        Assert.That(json, Does.Contain(genuine), "the genuine package has the part to damage");

        var report = await UpdateThroughTheMiddle(ListKind.Deny, SignedByTheBackoffice(json.Replace(genuine, damaged, StringComparison.Ordinal)));

        AssertRefused(report, "not a valid list package");
    }

    [Test]
    public async Task A_validly_signed_deny_package_cut_short_is_refused()
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));
        var json = Encoding.UTF8.GetString((await Genuine(ListKind.Deny)).Body);

        var report = await UpdateThroughTheMiddle(ListKind.Deny, SignedByTheBackoffice(json[..(json.Length / 2)]));

        AssertRefused(report, "not a valid list package");
    }

    [TestCase("\"lines\":[\"L1\"]", "\"lines\":[null]", "malformed content", TestName = "A signed entitlements package with null lines is refused")]
    [TestCase("\"entitlements\":[", "\"entitlements\":[null,", "null where an entry goes", TestName = "A signed entitlements package with null where an entry goes is refused")]
    public async Task Damaged_content_in_a_validly_signed_entitlements_package_is_refused(string genuine, string damaged, string problem)
    {
        await _backoffice.PutEntitlementsAsync(Pass(1));
        var json = Encoding.UTF8.GetString((await Genuine(ListKind.Entitlements)).Body);
        Assert.That(json, Does.Contain(genuine), "the genuine package has the part to damage");
        Assert.That(json, Does.Contain("\"entryCount\":1}"));
        json = json.Replace(genuine, damaged, StringComparison.Ordinal);
        // The stated count matches what the content holds, so only the content check can refuse it.
        var entries = damaged.Contains("null,", StringComparison.Ordinal) ? 2 : 1;
        json = json.Replace("\"entryCount\":1}", $"\"entryCount\":{entries}}}", StringComparison.Ordinal);

        var report = await UpdateThroughTheMiddle(ListKind.Entitlements, SignedByTheBackoffice(json));

        AssertRefused(report, problem);
    }

    [Test]
    public async Task The_genuine_package_through_the_same_middle_is_applied()
    {
        await _backoffice.AddDenyAsync(Deny(1), Deny(2));
        var genuine = await Genuine(ListKind.Deny);
        _answer = path => path.EndsWith("/lists/deny", StringComparison.Ordinal) ? genuine : null;

        var reports = await _device.Updater(_middleUrl, _backoffice.Running.PublicKeyPem).UpdateAsync();

        Assert.That(reports.Single(r => r.List == ListKind.Deny).Outcome, Is.EqualTo(ListUpdateOutcome.Applied), "the middle itself changes nothing");
        Assert.That(_device.Lists.Live.Current.DenyList.Count, Is.EqualTo(2));
    }
}
