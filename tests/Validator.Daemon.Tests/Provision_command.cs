using System.Security.Cryptography;
using System.Text.Json;

namespace Validator.Daemon.Tests;

/// <summary><c>validator provision</c>: identity, back office and secrets into the configuration; secrets 0600, never printed.</summary>
[TestFixture]
public sealed class Provision_command
{
    private TechnicianDevice _device = null!;

    [SetUp]
    public void Device() => _device = new TechnicianDevice();

    [TearDown]
    public void Clean() => _device.Dispose();

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Writes_owner_only_secret_files_and_a_configuration_that_status_reads()
    {
        var (exit, output) = _device.Provision("https://backoffice.example/");

        Assert.That(exit, Is.Zero, output);
        var tokenKey = Path.Combine(_device.ConfigDirectory, "token.key");
        Assert.That(File.ReadAllBytes(tokenKey), Is.EqualTo(_device.TokenKey), "the fleet's key, copied");
        Assert.That(File.GetUnixFileMode(tokenKey), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(_device.ConfigPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "it holds the device secret");
        Assert.That(output, Does.Not.Contain(TechnicianDevice.DeviceSecret), "a secret is never printed");
        Assert.That(Directory.GetFiles(_device.ConfigDirectory, "*.tmp"), Is.Empty, "no temporary file left");

        using var config = JsonDocument.Parse(File.ReadAllText(_device.ConfigPath));
        Assert.That(config.RootElement.GetProperty("Device").GetProperty("Id").GetString(), Is.EqualTo(TechnicianDevice.DeviceId));
        Assert.That(config.RootElement.GetProperty("Device").GetProperty("DataDirectory").GetString(), Is.EqualTo(_device.DataDirectory), "other keys are kept");
        Assert.That(config.RootElement.GetProperty("Feedback").GetProperty("GreenPin").GetInt32(), Is.EqualTo(5), "other sections are kept");
        Assert.That(config.RootElement.GetProperty("Cards").GetProperty("TokenKeyFile").GetString(), Is.EqualTo(tokenKey));
        Assert.That(config.RootElement.GetProperty("Sync").GetProperty("UpstreamUrl").GetString(), Is.EqualTo("https://backoffice.example/"));

        var (statusExit, status) = _device.Run("status", "--json");
        Assert.That(statusExit, Is.Zero, status);
        using var report = JsonDocument.Parse(status);
        Assert.That(report.RootElement.GetProperty("deviceId").GetString(), Is.EqualTo(TechnicianDevice.DeviceId));
        Assert.That(report.RootElement.GetProperty("line").GetString(), Is.EqualTo("180"));
    }

    [Test]
    public void An_address_that_is_not_http_is_refused_with_the_reason_and_nothing_is_written()
    {
        var before = File.ReadAllText(_device.ConfigPath);

        var (exit, output) = _device.Provision("ftp://backoffice.example/");

        Assert.That(exit, Is.EqualTo(78), output);
        Assert.That(output, Does.Contain("--upstream 'ftp://backoffice.example/' is not an http(s) address"));
        Assert.That(output, Does.Contain("nothing written"));
        Assert.That(File.ReadAllText(_device.ConfigPath), Is.EqualTo(before));
        Assert.That(File.Exists(Path.Combine(_device.ConfigDirectory, "token.key")), Is.False);
    }

    [Test]
    public void Plain_http_to_another_machine_is_refused()
    {
        var (exit, output) = _device.Provision("http://backoffice.example/");

        Assert.That(exit, Is.EqualTo(78), output);
        Assert.That(output, Does.Contain("plain http to another machine"));
    }

    [Test]
    public void A_short_token_key_is_refused_with_its_length_and_the_minimum()
    {
        File.WriteAllBytes(_device.TokenKeyFile, new byte[16]);

        var (exit, output) = _device.Provision("https://backoffice.example/");

        Assert.That(exit, Is.EqualTo(78), output);
        Assert.That(output, Does.Contain("holds 16 bytes; it needs at least 32"));
        Assert.That(File.Exists(Path.Combine(_device.ConfigDirectory, "token.key")), Is.False);
    }

    [Test]
    public void A_private_key_or_another_curve_is_not_taken_for_the_list_key()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        File.WriteAllText(_device.ListKeyFile, p384.ExportSubjectPublicKeyInfoPem());
        var (exit, output) = _device.Provision("https://backoffice.example/");
        Assert.That(exit, Is.EqualTo(78), output);
        Assert.That(output, Does.Contain("another curve"));

        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(_device.ListKeyFile, p256.ExportPkcs8PrivateKeyPem());
        (exit, output) = _device.Provision("https://backoffice.example/");
        Assert.That(exit, Is.EqualTo(78), output);
        Assert.That(output, Does.Contain("is not a PEM public key"));
    }

    [Test]
    public void A_missing_device_id_is_a_usage_error()
    {
        var (exit, output) = _device.Run("provision", "--upstream", "https://backoffice.example/", "--device-secret-file", _device.SecretFile, "--list-key-file", _device.ListKeyFile);

        Assert.That(exit, Is.EqualTo(64), output);
        Assert.That(output, Does.Contain("--device-id is required"));
    }
}

/// <summary>A device in a temporary directory: its configuration (via VALIDATOR_CONFIG), data directory and the files provisioning takes.</summary>
internal sealed class TechnicianDevice : IDisposable
{
    public const string DeviceId = "BUS-0042-FRONT";
    public const string DeviceSecret = "device-secret-0042-not-for-output";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public TechnicianDevice()
    {
        Root = Directory.CreateTempSubdirectory("validator-technician-").FullName;
        ConfigDirectory = Path.Combine(Root, "etc");
        Directory.CreateDirectory(ConfigDirectory);
        ConfigPath = Path.Combine(ConfigDirectory, "validator.json");
        DataDirectory = Path.Combine(Root, "data");
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(ConfigPath, $$"""
            // shipped settings; comments are allowed
            { "Device": { "DataDirectory": "{{DataDirectory}}" }, "Feedback": { "GreenPin": 5 } }
            """);
        SecretFile = Path.Combine(Root, "secret.txt");
        File.WriteAllText(SecretFile, DeviceSecret + "\n");
        TokenKeyFile = Path.Combine(Root, "fleet.key");
        File.WriteAllBytes(TokenKeyFile, TokenKey);
        ListKeyFile = Path.Combine(Root, "list-signing.pem");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(ListKeyFile, key.ExportSubjectPublicKeyInfoPem());
    }

    public string Root { get; }

    public string ConfigDirectory { get; }

    public string ConfigPath { get; }

    public string DataDirectory { get; }

    public string SecretFile { get; }

    public string TokenKeyFile { get; }

    public string ListKeyFile { get; }

    public byte[] TokenKey { get; } = RandomNumberGenerator.GetBytes(32);

    public (int Exit, string Output) Provision(string upstream) => Run(
        "provision", "--device-id", DeviceId, "--upstream", upstream, "--device-secret-file", SecretFile,
        "--list-key-file", ListKeyFile, "--token-key-file", TokenKeyFile, "--line", "180");

    /// <summary>Runs the real executable against this device and returns its exit code and everything it wrote.</summary>
    public (int Exit, string Output) Run(params string[] args) => Run(args, new Dictionary<string, string>());

    public (int Exit, string Output) Run(string[] args, Dictionary<string, string> environment)
    {
        environment["VALIDATOR_CONFIG"] = ConfigPath;
        using var process = ValidatorProcess.Start(args, environment);
        var exit = process.WaitForExit(Patience);
        return (exit, process.Output);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
