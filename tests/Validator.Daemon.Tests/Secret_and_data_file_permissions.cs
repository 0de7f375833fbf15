using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Validator.Daemon.Service;
using Validator.Testing;

namespace Validator.Daemon.Tests;

/// <summary>The card-token key and the data directory stay the service's own (no pcscd needed: nothing gets that far).</summary>
[TestFixture]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class Secret_and_data_file_permissions
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private DirectoryInfo _root = null!;
    private string _config = null!;
    private string _data = null!;
    private string _key = null!;

    [SetUp]
    public void Prepare()
    {
        _root = Directory.CreateTempSubdirectory("validator-perm-");
        _data = Path.Combine(_root.FullName, "data");
        _config = Path.Combine(_root.FullName, "validator.json");
        _key = Path.Combine(_root.FullName, "token.key");
        File.WriteAllBytes(_key, Enumerable.Range(0, 32).Select(i => (byte)(i + 3)).ToArray());
        File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(_config, $$"""{ "Device": { "Id": "bus-0417-door-1", "DataDirectory": "{{_data}}" }, "Cards": { "TokenKeyFile": "{{_key}}" } }""");
    }

    [TearDown]
    public void Clean() => _root.Delete(recursive: true);

    [Test]
    public void A_token_key_file_other_users_can_read_is_refused_with_what_to_fix()
    {
        File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var service = ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = _config });

        Assert.That(service.WaitForExit(Patience), Is.EqualTo(78));
        Assert.That(service.Output, Does.Contain("open to other users (mode 0644)").And.Contain("chmod 600"));
        Assert.That(Directory.Exists(_data), Is.False, "nothing started");
    }

    [Test]
    public void An_owner_only_key_is_taken_and_the_data_directory_the_service_creates_is_owner_only()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(_config).Build();

        new ServiceCollection().AddValidator(configuration);

        Assert.That(File.GetUnixFileMode(_data), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }
}
