using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Validator.Daemon.Cli;

/// <summary>
/// <c>validator provision</c>: gives the device its id, its back office and its secrets. Merges them into the
/// configuration (every other setting is kept), writes secrets to files of their own (0600), and never prints a secret.
/// </summary>
internal static class ProvisionCommand
{
    public const string Usage = """
        validator provision --device-id ID --upstream URL (--device-secret-file FILE | --device-secret SECRET)
                            --list-key-file PEM [--token-key-file FILE | --generate-token-key]
                            [--line L] [--stop S] [--config PATH]
          Writes this device's identity, back office and secrets into the configuration; other settings are kept.
          --device-id ID          the id the back office knows this door by (e.g. BUS-0042-FRONT)
          --upstream URL          the back office, https:// (http:// only to this machine)
          --device-secret-file F  file holding the device secret from the back office (at least 16 characters);
                                  --device-secret SECRET also works but shows the secret in the process list
          --list-key-file PEM     the back office's list signing public key (EC P-256, GET /v1/admin/signing-key)
          --token-key-file F      the fleet's card-token key (raw bytes, at least 32), copied to token.key
          --generate-token-key    make a new random card-token key (only for the first device of a fleet:
                                  every device must share the key, or tokens match no list)
                                  Neither: an existing Cards:TokenKeyFile is kept.
          --line L, --stop S      the line and stop or depot this bus serves (optional)
          --config PATH           the configuration file (default: VALIDATOR_CONFIG or /etc/validator/validator.json)
          Secrets go next to the configuration, mode 0600: token.key, and the device secret inside the
          configuration itself (Sync has no secret-file setting), which is therefore made 0600 too.
          Exit 0 when written, 64 on a usage error, 78 when a value cannot work (nothing is written then).
        """;

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var deviceId = args.Text("device-id");
        var upstream = args.Text("upstream");
        var secret = args.Text("device-secret");
        var secretFile = args.Text("device-secret-file");
        var listKeyFile = args.Text("list-key-file");
        var tokenKeyFile = args.Text("token-key-file");
        var generate = args.Flag("generate-token-key");
        var line = args.Text("line");
        var stop = args.Text("stop");
        var configPath = args.Text("config") ?? ValidatorConfiguration.ConfigPath;
        args.RejectUnknown();

        if (string.IsNullOrWhiteSpace(deviceId)) throw new UsageException("--device-id is required");
        if (string.IsNullOrWhiteSpace(upstream)) throw new UsageException("--upstream is required");
        if (secret is null == secretFile is null) throw new UsageException("give exactly one of --device-secret-file and --device-secret");
        if (listKeyFile is null) throw new UsageException("--list-key-file is required");
        if (tokenKeyFile is not null && generate) throw new UsageException("give --token-key-file or --generate-token-key, not both");

        var problems = new List<string>();
        var url = CheckUpstream(upstream, problems);
        var deviceSecret = secretFile is null ? secret! : ReadText(secretFile, "--device-secret-file", problems);
        if (deviceSecret is not null && deviceSecret.Length < 16)
            problems.Add("the device secret is shorter than 16 characters; use the secret the back office gave this device");
        var listKeyPem = ReadText(listKeyFile, "--list-key-file", problems);
        if (listKeyPem is not null) CheckListKey(listKeyPem, listKeyFile, problems);
        byte[]? tokenKey = null;
        if (tokenKeyFile is not null)
        {
            tokenKey = ReadBytes(tokenKeyFile, "--token-key-file", problems);
            if (tokenKey is not null && tokenKey.Length < TokenKeySource.MinimumLength)
                problems.Add($"the card-token key in '{tokenKeyFile}' holds {tokenKey.Length} bytes; it needs at least {TokenKeySource.MinimumLength} (e.g. 'head -c 32 /dev/urandom')");
        }
        else if (generate)
        {
            tokenKey = RandomNumberGenerator.GetBytes(TokenKeySource.MinimumLength);
        }

        var configDirectory = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        JsonObject root;
        try
        {
            root = ProvisionConfigFile.Read(configPath);
        }
        catch (ConfigurationException ex)
        {
            problems.Add(ex.Message);
            root = [];
        }
        var tokenKeyPath = Path.Combine(configDirectory, "token.key");
        if (tokenKey is null)
        {
            var existing = ProvisionConfigFile.Get(root, "Cards", "TokenKeyFile");
            if (existing is null || !File.Exists(existing))
                problems.Add("no card-token key: give --token-key-file FILE (the fleet's key) or --generate-token-key (first device of a fleet)");
            else tokenKeyPath = existing;
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems) stderr.WriteLine($"validator provision: {problem}");
            stderr.WriteLine("validator provision: nothing written");
            return 78; // EX_CONFIG
        }

        var dataDirectory = ProvisionConfigFile.Get(root, "Device", "DataDirectory") ?? "/var/lib/validator";
        ProvisionConfigFile.Set(root, "Device", "Id", deviceId);
        if (line is not null) ProvisionConfigFile.Set(root, "Device", "Line", line);
        if (stop is not null) ProvisionConfigFile.Set(root, "Device", "Stop", stop);
        ProvisionConfigFile.Set(root, "Cards", "TokenKeyFile", tokenKeyPath);
        ProvisionConfigFile.Remove(root, "Cards", "TokenKey"); // a leftover base64 key would be shadowed and confuse a reader
        ProvisionConfigFile.Set(root, "Sync", "UpstreamUrl", url!.AbsoluteUri);
        ProvisionConfigFile.Set(root, "Sync", "DeviceId", deviceId);
        ProvisionConfigFile.Set(root, "Sync", "DeviceSecret", deviceSecret!);
        ProvisionConfigFile.Set(root, "Sync", "ListSigningKeyPem", listKeyPem!.Trim() + "\n");
        if (ProvisionConfigFile.Get(root, "Sync", "StateDirectory") is null)
            ProvisionConfigFile.Set(root, "Sync", "StateDirectory", Path.Combine(dataDirectory, "sync"));

        Directory.CreateDirectory(configDirectory);
        if (tokenKey is not null) ProvisionConfigFile.WriteSecret(tokenKeyPath, tokenKey);
        // Sync reads the device secret only from Sync:DeviceSecret, so the configuration holds a secret: 0600 as well.
        ProvisionConfigFile.WriteSecret(configPath, Encoding.UTF8.GetBytes(root.ToJsonString(ProvisionConfigFile.Indented) + "\n"));

        stdout.WriteLine($"wrote {Path.GetFullPath(configPath)} (mode 0600: it holds the device secret)");
        stdout.WriteLine($"  Device:Id            {deviceId}");
        if (line is not null) stdout.WriteLine($"  Device:Line          {line}");
        if (stop is not null) stdout.WriteLine($"  Device:Stop          {stop}");
        stdout.WriteLine($"  Sync:UpstreamUrl     {url.AbsoluteUri}");
        stdout.WriteLine($"  Sync:DeviceId        {deviceId}");
        stdout.WriteLine($"  Sync:DeviceSecret    ({deviceSecret!.Length} characters, not shown)");
        stdout.WriteLine($"  Sync:ListSigningKey  EC P-256, key id {KeyId(listKeyPem)}");
        stdout.WriteLine($"  Cards:TokenKeyFile   {tokenKeyPath}");
        stdout.WriteLine(tokenKey is null
            ? $"kept {tokenKeyPath} (existing card-token key)"
            : $"wrote {tokenKeyPath} (mode 0600, {tokenKey.Length} bytes{(generate ? ", newly generated: copy it to every device of this fleet" : "")})");
        return 0;
    }

    private static Uri? CheckUpstream(string text, List<string> problems)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"--upstream '{text}' is not an http(s) address; give the back office, e.g. https://backoffice.example/");
            return null;
        }
        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            problems.Add($"--upstream '{text}' is plain http to another machine; the device secret would travel in clear: use https");
            return null;
        }
        return url;
    }

    private static void CheckListKey(string pem, string path, List<string> problems)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != "PUBLIC KEY")
        {
            problems.Add($"--list-key-file '{path}' is not a PEM public key (-----BEGIN PUBLIC KEY-----); copy it from the back office (GET /v1/admin/signing-key)");
            return;
        }
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            if (key.ExportParameters(false).Curve.Oid.Value != "1.2.840.10045.3.1.7")
                problems.Add($"--list-key-file '{path}' is an EC key on another curve; the back office signs lists with EC P-256");
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            problems.Add($"--list-key-file '{path}' is not an EC P-256 public key ({e.Message}); copy it from the back office (GET /v1/admin/signing-key)");
        }
    }

    /// <summary>The back office's key id: the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo, as in its envelopes.</summary>
    private static string KeyId(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..8]);
    }

    private static string? ReadText(string path, string option, List<string> problems)
    {
        var bytes = ReadBytes(path, option, problems);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes).Trim();
    }

    private static byte[]? ReadBytes(string path, string option, List<string> problems)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{option} '{path}' cannot be read: {e.Message}");
            return null;
        }
    }
}
