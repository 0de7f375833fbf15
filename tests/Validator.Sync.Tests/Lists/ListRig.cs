using Microsoft.Extensions.Time.Testing;
using Validator.Storage.Lists;
using Validator.Sync.Lists;
using Validator.Sync.Upstream;

namespace Validator.Sync.Tests.Lists;

/// <summary>A device's list store (a real LiteDB file in a temp directory) and an updater pointed at a back office.</summary>
internal sealed class ListRig : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "list-rig-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _owned = [];

    public ListRig()
    {
        Directory.CreateDirectory(_directory);
        Lists = StoredLists.Open(Path.Combine(_directory, "lists.db"), TimeProvider.System);
    }

    public StoredLists Lists { get; }

    /// <summary>The options of the last updater made.</summary>
    public SyncOptions? Options { get; private set; }

    /// <summary>The device clock the updater judges expiry by.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>An updater of these lists from <paramref name="backoffice"/>, trusting <paramref name="publicKeyPem"/>.</summary>
    public ListUpdater Updater(Uri backoffice, string publicKeyPem, Action<SyncOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = DeviceRig.OptionsFor(backoffice, publicKeyPem, _directory);
        configure?.Invoke(options);
        Options = options;
        var client = new UpstreamClient(options);
        var updater = new ListUpdater(Lists, client, options, clock ?? Clock);
        _owned.Add(client);
        _owned.Add(updater);
        return updater;
    }

    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        Lists.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
