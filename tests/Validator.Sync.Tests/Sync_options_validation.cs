using System.Security.Cryptography;

namespace Validator.Sync.Tests;

public sealed class Sync_options_validation
{
    private static SyncOptions Valid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return DeviceRig.OptionsFor(new Uri("https://backoffice.example/"), key.ExportSubjectPublicKeyInfoPem(), "/var/lib/validator");
    }

    [Test]
    public void Working_settings_have_no_problems() => Assert.That(Valid().Problems(), Is.Empty);

    [Test]
    public void Plain_http_to_another_machine_is_refused_because_the_secret_would_travel_in_clear()
    {
        var options = Valid();
        options.UpstreamUrl = "http://backoffice.example/";

        Assert.That(options.Problems(), Has.One.Contains("Use https"));
    }

    [Test]
    public void Plain_http_on_loopback_is_allowed()
    {
        var options = Valid();
        options.UpstreamUrl = "http://127.0.0.1:5080/";

        Assert.That(options.Problems(), Is.Empty);
    }

    [Test]
    public void Every_broken_setting_is_named_with_what_to_do()
    {
        var options = Valid();
        options.DeviceId = "";
        options.DeviceSecret = "short";
        options.ListSigningKeyPem = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----";
        options.PinnedCaPath = "/nonexistent/ca.pem";
        options.BatchSize = 501;
        options.BackoffCap = TimeSpan.FromSeconds(1);
        options.BreakerMinimumThroughput = 1;

        var problems = options.Problems();

        Assert.That(problems, Has.Count.EqualTo(7));
        Assert.That(problems, Has.One.Contains("Sync:DeviceId"));
        Assert.That(problems, Has.One.Contains("Sync:ListSigningKeyPem").And.Contain("/v1/admin/signing-key"));
        Assert.That(problems, Has.One.Contains("Sync:PinnedCaPath").And.Contain("system CAs"));
        Assert.That(() => options.Validate(), Throws.InvalidOperationException.With.Message.Contains("Sync:BatchSize"));
    }

    [Test]
    public void An_RSA_key_is_not_accepted_as_the_list_signing_key()
    {
        using var rsa = RSA.Create(2048);
        var options = Valid();
        options.ListSigningKeyPem = rsa.ExportSubjectPublicKeyInfoPem();

        Assert.That(options.Problems(), Has.One.Contains("ECDSA P-256"));
    }
}
