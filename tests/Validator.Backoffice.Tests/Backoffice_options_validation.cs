namespace Validator.Backoffice.Tests;

public sealed class Backoffice_options_validation
{
    [Test]
    public void A_device_sharing_the_admin_token_and_a_short_secret_are_both_named()
    {
        var options = new BackofficeOptions { AdminToken = "admin-token-0123456789", SigningKeyPath = "key.pem" };
        options.Devices.Add(new DeviceCredential { Id = "bus-1", Secret = "admin-token-0123456789" });
        options.Devices.Add(new DeviceCredential { Id = "bus-2", Secret = "short" });

        Assert.That(() => options.Validate(), Throws.InvalidOperationException
            .With.Message.Contains("'bus-1' uses the admin token")
            .And.Message.Contains("'bus-2' needs a Secret"));
    }

    [Test]
    [Platform("Linux")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_signing_key_file_is_created_on_first_start_and_reused_on_the_next()
    {
        var directory = Path.Combine(Path.GetTempPath(), "bo-key-" + Guid.NewGuid().ToString("N"));
        var options = new BackofficeOptions
        {
            AdminToken = "admin-token-0123456789",
            DatabasePath = Path.Combine(directory, "bo.db"),
            SigningKeyPath = Path.Combine(directory, "key.pem"),
        };
        string first, second;
        await using (var running = await BackofficeHost.StartAsync(options)) first = running.PublicKeyPem;
        await using (var running = await BackofficeHost.StartAsync(options)) second = running.PublicKeyPem;

        Assert.That(second, Is.EqualTo(first));
        Assert.That(File.GetUnixFileMode(options.SigningKeyPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Directory.Delete(directory, recursive: true);
    }
}
