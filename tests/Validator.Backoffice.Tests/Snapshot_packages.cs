using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Validator.Backoffice.Lists;
using Validator.Backoffice.Storage;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Backoffice.Tests;

/// <summary>
/// Full snapshots are built and signed once per list version and kept for every device that asks (the publisher on a
/// real LiteDB file): a million-entry build takes seconds, close to a device's attempt timeout.
/// </summary>
public sealed class Snapshot_packages
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(7);
    private string _directory = null!;
    private BackofficeDatabase _database = null!;
    private ListRepository _lists = null!;
    private FakeTimeProvider _time = null!;
    private ECDsa _key = null!;
    private ListPublisher _publisher = null!;

    [SetUp]
    public void Open()
    {
        _directory = Directory.CreateTempSubdirectory("snapshot-packages-").FullName;
        _database = new BackofficeDatabase(Path.Combine(_directory, "backoffice.db"));
        _lists = new ListRepository(_database);
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 6, 0, 0, TimeSpan.Zero));
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _publisher = new ListPublisher(_lists, Options, _key, _time);
    }

    [TearDown]
    public void Close()
    {
        _publisher.Dispose();
        _database.Dispose();
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private BackofficeOptions Options => new() { DatabasePath = Path.Combine(_directory, "backoffice.db"), ListValidity = Validity, MaxDeltaChanges = 5 };

    private static DenyEntry Deny(int card) => new() { Token = TestTaps.Token(card), Reason = DenyReason.Lost, AddedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero) };

    /// <summary>The whole answer, its signature checked against the body as a device checks it.</summary>
    private Fetched Fetch(ListKind kind, long since) => Read(Package(kind, since) ?? throw new AssertionException("no package"));

    private PublishedPackage? Package(ListKind kind, long since) => _publisher.PackageAsync(kind, since).GetAwaiter().GetResult();

    private Fetched Read(PublishedPackage package)
    {
        using var body = new MemoryStream();
        using (package.Body) package.Body.CopyTo(body);
        var bytes = body.ToArray();
        Assert.That(ListSigning.TryVerifyHash(SHA256.HashData(bytes), package.Signature, package.KeyId, _key, out var problem), Is.True, problem);
        return new Fetched(bytes, JsonSerializer.Deserialize(bytes, SyncJsonContext.Default.ListPackage)!);
    }

    private sealed record Fetched(byte[] Bytes, ListPackage Package);

    [Test]
    public void Every_device_asking_for_a_version_gets_the_one_package_built_for_it()
    {
        _lists.AddDeny([Deny(1), Deny(2)]);
        var version = _lists.AddDeny([Deny(3)]);

        var first = Fetch(ListKind.Deny, 0);
        _time.Advance(TimeSpan.FromHours(2));
        var later = Fetch(ListKind.Deny, 0);

        Assert.That(first.Package.Format, Is.EqualTo(ListPackageFormat.Snapshot));
        Assert.That((first.Package.Version, first.Package.DenyEntries!.Count), Is.EqualTo((version, 3)));
        Assert.That(later.Bytes, Is.EqualTo(first.Bytes), "built again for the second device");
        Assert.That(_publisher.SnapshotsBuilt, Is.EqualTo(1));
    }

    [Test]
    public void Devices_asking_at_once_wait_for_one_build()
    {
        _lists.AddDeny(Enumerable.Range(1, 20_000).Select(Deny).ToArray());
        var answers = new PublishedPackage?[8];
        using var start = new Barrier(answers.Length);
        var devices = Enumerable.Range(0, answers.Length).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            answers[i] = Package(ListKind.Deny, 0);
        })).ToArray();

        foreach (var device in devices) device.Start();
        foreach (var device in devices) Assert.That(device.Join(TimeSpan.FromMinutes(1)), Is.True, "a device's request did not end");
        var fetched = answers.Select(a => Read(a!)).ToArray();

        Assert.That(_publisher.SnapshotsBuilt, Is.EqualTo(1));
        Assert.That(fetched.Select(f => f.Bytes), Has.All.EqualTo(fetched[0].Bytes));
        Assert.That(fetched[0].Package.DenyEntries, Has.Count.EqualTo(20_000));
    }

    [Test]
    public void A_new_version_gets_a_new_snapshot_and_a_device_still_reading_the_old_one_gets_all_of_it()
    {
        _lists.AddDeny([Deny(1)]);
        var old = Package(ListKind.Deny, 0)!; // a device mid-download: its answer not read yet
        var version = _lists.AddDeny([Deny(2)]);

        var current = Fetch(ListKind.Deny, 0);
        var oldRead = Read(old);

        Assert.That((current.Package.Version, current.Package.DenyEntries!.Count), Is.EqualTo((version, 2)));
        Assert.That((oldRead.Package.Version, oldRead.Package.DenyEntries!.Count), Is.EqualTo((version - 1, 1)));
        Assert.That(_publisher.SnapshotsBuilt, Is.EqualTo(2));
        Assert.That(Directory.GetFiles(_publisher.KeptIn), Has.Length.EqualTo(1), "the replaced snapshot's file is still there");
    }

    [Test]
    public void A_kept_snapshot_is_built_again_before_a_device_would_get_less_than_seven_eighths_of_its_validity()
    {
        _lists.AddDeny([Deny(1)]);
        var first = Fetch(ListKind.Deny, 0);

        _time.Advance(Validity / 8 - TimeSpan.FromMinutes(1));
        var stillKept = Fetch(ListKind.Deny, 0);
        _time.Advance(TimeSpan.FromMinutes(2));
        var rebuilt = Fetch(ListKind.Deny, 0);

        Assert.That(stillKept.Package.CreatedAt, Is.EqualTo(first.Package.CreatedAt));
        Assert.That(rebuilt.Package.CreatedAt, Is.EqualTo(_time.GetUtcNow()));
        Assert.That(rebuilt.Package.ExpiresAt - _time.GetUtcNow(), Is.EqualTo(Validity));
        Assert.That(_publisher.SnapshotsBuilt, Is.EqualTo(2));
    }

    [Test]
    public void Deltas_are_built_for_the_device_that_asks()
    {
        var from = _lists.AddDeny([Deny(1)]);
        _lists.AddDeny([Deny(2)]);

        var delta = Fetch(ListKind.Deny, from);

        Assert.That(delta.Package.Format, Is.EqualTo(ListPackageFormat.Delta));
        Assert.That(delta.Package.DenyAdded, Is.EqualTo(new[] { Deny(2) }));
        Assert.That(_publisher.SnapshotsBuilt, Is.Zero);
    }

    [Test]
    public void Closing_the_publisher_removes_the_kept_snapshots()
    {
        _lists.AddDeny([Deny(1)]);
        Fetch(ListKind.Deny, 0);
        var kept = Directory.GetFiles(_publisher.KeptIn);

        _publisher.Dispose();

        Assert.That(kept, Has.Length.EqualTo(1));
        Assert.That(Directory.Exists(_publisher.KeptIn), Is.False);
    }

    [Test]
    public void A_kept_snapshot_removed_under_the_back_office_is_built_again()
    {
        _lists.AddDeny([Deny(1)]);
        Fetch(ListKind.Deny, 0);
        foreach (var file in Directory.GetFiles(_publisher.KeptIn)) File.Delete(file);

        var again = Fetch(ListKind.Deny, 0);

        Assert.That(again.Package.DenyEntries, Has.Count.EqualTo(1));
        Assert.That(_publisher.SnapshotsBuilt, Is.EqualTo(2));
    }

    [Test]
    public void What_a_stopped_back_office_left_is_cleared_at_start()
    {
        _lists.AddDeny([Deny(1)]);
        Fetch(ListKind.Deny, 0);
        var left = Directory.GetFiles(_publisher.KeptIn);

        using var restarted = new ListPublisher(_lists, Options, _key, _time);

        Assert.That(left, Has.Length.EqualTo(1));
        Assert.That(restarted.KeptIn, Is.EqualTo(_publisher.KeptIn));
        Assert.That(Directory.GetFiles(restarted.KeptIn), Is.Empty);
    }
}
