using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Validator.Backoffice;

/// <summary>How the reference back office runs: where it stores data, who may call it, how lists are signed.</summary>
public sealed class BackofficeOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Backoffice";

    /// <summary>Address to listen on; port 0 picks a free port (the bound address is reported back).</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>The LiteDB file that holds taps, devices and lists; created when missing.</summary>
    public string DatabasePath { get; set; } = "backoffice.db";

    /// <summary>Bearer token for the admin endpoints; different from every device secret.</summary>
    public string AdminToken { get; set; } = "";

    /// <summary>The devices allowed to call, each with its own secret.</summary>
    public IList<DeviceCredential> Devices { get; } = [];

    /// <summary>PEM file with the list signing key (PKCS#8 EC P-256); generated there on first start when missing.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>The list signing key itself (in-process hosts and tests); takes precedence over <see cref="SigningKeyPath"/>.</summary>
    public ECDsa? SigningKey { get; set; }

    /// <summary>How long a published list package may be applied after it was built.</summary>
    public TimeSpan ListValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A device further behind than this many changes gets a full snapshot instead of a delta.</summary>
    public int MaxDeltaChanges { get; set; } = 10_000;

    /// <summary>Server certificate (with key) for an https <see cref="Url"/> in an in-process host; the executable uses Kestrel's own configuration.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Turns on the chaos switch (test and demo use only; never in production).</summary>
    public bool EnableChaos { get; set; }

    /// <summary>Throws <see cref="InvalidOperationException"/> with what to fix when the options cannot work.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Url)) problems.Add("Backoffice:Url is empty; set it to e.g. http://127.0.0.1:5080.");
        if (string.IsNullOrWhiteSpace(DatabasePath)) problems.Add("Backoffice:DatabasePath is empty; name a file for the LiteDB database.");
        if (AdminToken.Length < 16) problems.Add("Backoffice:AdminToken must be at least 16 characters.");
        if (SigningKey is null && string.IsNullOrWhiteSpace(SigningKeyPath)) problems.Add("Backoffice:SigningKeyPath is empty; name a PEM file (it is created on first start).");
        if (SigningKey is not null && SigningKey.KeySize != 256) problems.Add("The signing key must be ECDSA P-256.");
        if (ListValidity <= TimeSpan.Zero) problems.Add("Backoffice:ListValidity must be positive (e.g. 7.00:00:00).");
        if (MaxDeltaChanges < 1) problems.Add("Backoffice:MaxDeltaChanges must be at least 1.");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in Devices)
        {
            if (string.IsNullOrWhiteSpace(device.Id)) problems.Add("A device in Backoffice:Devices has no Id.");
            else if (!ids.Add(device.Id)) problems.Add($"Device '{device.Id}' is listed twice in Backoffice:Devices.");
            if (device.Secret.Length < 16) problems.Add($"Device '{device.Id}' needs a Secret of at least 16 characters.");
            if (string.Equals(device.Secret, AdminToken, StringComparison.Ordinal)) problems.Add($"Device '{device.Id}' uses the admin token as its secret; give it its own.");
        }
        if (problems.Count > 0) throw new InvalidOperationException("The back office configuration cannot work: " + string.Join(" ", problems));
    }
}

/// <summary>A device's id and shared secret.</summary>
public sealed class DeviceCredential
{
    /// <summary>The device id, as it stamps its taps.</summary>
    public string Id { get; set; } = "";

    /// <summary>The device's secret (bearer token); at least 16 characters.</summary>
    public string Secret { get; set; } = "";
}
