using Microsoft.Extensions.Time.Testing;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Taps;
using Validator.Storage.Journal;
using Validator.Sync;
using Validator.Sync.Upload;
using Validator.Sync.Upstream;

namespace Validator.Sync.Tests;

/// <summary>One device: a real tap journal in a temp directory and an uploader pointed at a back office.</summary>
internal sealed class DeviceRig : IDisposable
{
    private DeviceRig(string directory, SyncOptions options, FakeTimeProvider clock)
    {
        Directory = directory;
        Options = options;
        Clock = clock;
        Journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(directory, "journal") });
        Client = new UpstreamClient(options);
        Uploader = new Uploader(Journal, Client, options, clock);
    }

    public string Directory { get; }
    public SyncOptions Options { get; }

    /// <summary>Drives the uploader's persisted backoff; the HTTP retries run on real (short) delays.</summary>
    public FakeTimeProvider Clock { get; }
    public TapJournal Journal { get; private set; }
    public UpstreamClient Client { get; private set; }
    public Uploader Uploader { get; private set; }

    public static DeviceRig Create(Uri backoffice, string publicKeyPem, Action<SyncOptions>? configure = null, string deviceId = TestBackoffice.DeviceA, string secret = TestBackoffice.SecretA)
    {
        var directory = Path.Combine(Path.GetTempPath(), "device-rig-" + Guid.NewGuid().ToString("N"));
        var options = OptionsFor(backoffice, publicKeyPem, directory, deviceId, secret);
        configure?.Invoke(options);
        return new DeviceRig(directory, options, new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.Zero)));
    }

    public static SyncOptions OptionsFor(Uri backoffice, string publicKeyPem, string directory, string deviceId = TestBackoffice.DeviceA, string secret = TestBackoffice.SecretA) => new()
    {
        UpstreamUrl = backoffice.ToString(),
        DeviceId = deviceId,
        DeviceSecret = secret,
        ListSigningKeyPem = publicKeyPem,
        StateDirectory = Path.Combine(directory, "sync"),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        BackoffBase = TimeSpan.FromSeconds(5),
        BackoffCap = TimeSpan.FromMinutes(5),
    };

    /// <summary>Journals <paramref name="count"/> taps (each fdatasynced, as in service) and returns them with their sequences.</summary>
    public List<TapRecord> Append(int count) =>
        TestTaps.Taps(Options.DeviceId, count).Select(t => Journal.Append(t)).ToList();

    /// <summary>A power cycle: the journal and the uploader are closed and opened again from their files.</summary>
    public void Restart()
    {
        Uploader.Dispose();
        Client.Dispose();
        Journal.Dispose();
        Journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(Directory, "journal") });
        Client = new UpstreamClient(Options);
        Uploader = new Uploader(Journal, Client, Options, Clock);
    }

    /// <summary>Moves the fake clock past the uploader's backoff.</summary>
    public void WaitOutBackoff()
    {
        var wait = Uploader.State.NextAttemptAt - Clock.GetUtcNow();
        if (wait > TimeSpan.Zero) Clock.Advance(wait + TimeSpan.FromMilliseconds(1));
    }

    public void Dispose()
    {
        Uploader.Dispose();
        Client.Dispose();
        Journal.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
