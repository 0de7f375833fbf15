using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Validator.Backoffice.Tests.Support;
using Validator.Sync.Upstream;

namespace Validator.Sync.Tests.Upstream;

/// <summary>The device over real TLS to the back office on loopback, with a test CA made here.</summary>
public sealed class Tls_trust
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tls-trust-" + Guid.NewGuid().ToString("N"));
    private TestBackoffice _backoffice = null!;
    private string _caPath = null!;
    private string _otherCaPath = null!;

    [SetUp]
    public async Task Start()
    {
        Directory.CreateDirectory(_directory);
        using var ca = TestCa.Create("Validator Test CA");
        using var other = TestCa.Create("Somebody Else's CA");
        _caPath = Path.Combine(_directory, "ca.pem");
        _otherCaPath = Path.Combine(_directory, "other-ca.pem");
        await File.WriteAllTextAsync(_caPath, ca.ExportCertificatePem());
        await File.WriteAllTextAsync(_otherCaPath, other.ExportCertificatePem());
        var server = TestCa.IssueServerCertificate(ca);
        _backoffice = await TestBackoffice.StartAsync(o =>
        {
            o.Url = "https://127.0.0.1:0";
            o.ServerCertificate = server;
        });
    }

    [TearDown]
    public async Task Stop()
    {
        await _backoffice.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<UpstreamResult<Core.Sync.TapBatchReceipt>> Send(string? pinnedCa)
    {
        var options = DeviceRig.OptionsFor(_backoffice.Url, _backoffice.Running.PublicKeyPem, _directory);
        options.PinnedCaPath = pinnedCa;
        options.MaxRetries = 0;
        using var client = new UpstreamClient(options);
        return await client.SendTapsAsync(TestTaps.Taps(TestBackoffice.DeviceA, 3));
    }

    [Test]
    public async Task With_the_back_office_CA_pinned_the_device_uploads_over_TLS()
    {
        var result = await Send(_caPath);

        Assert.That(result.Outcome, Is.EqualTo(UpstreamOutcome.Ok), result.Problem);
        Assert.That(_backoffice.Url.Scheme, Is.EqualTo("https"));
    }

    [Test]
    public async Task With_another_CA_pinned_the_connection_is_refused_and_nothing_is_sent()
    {
        var result = await Send(_otherCaPath);

        Assert.That(result.Outcome, Is.EqualTo(UpstreamOutcome.Unavailable));
        Assert.That(result.Problem, Does.Contain("SSL").IgnoreCase);
    }

    [Test]
    public async Task With_the_system_CAs_a_certificate_from_a_private_CA_is_not_trusted()
    {
        var result = await Send(pinnedCa: null);

        Assert.That(result.Outcome, Is.EqualTo(UpstreamOutcome.Unavailable));
    }
}

/// <summary>A throwaway CA and a server certificate for 127.0.0.1 issued by it.</summary>
internal static class TestCa
{
    public static X509Certificate2 Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public static X509Certificate2 IssueServerCertificate(X509Certificate2 ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so the key is a persisted one, as the TLS stack wants on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
