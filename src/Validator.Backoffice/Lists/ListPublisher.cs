using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Validator.Core.Sync;

namespace Validator.Backoffice.Lists;

/// <summary>
/// Builds and signs the package a device asks for: nothing when it is current, a delta when it is close, else a
/// snapshot. The package's JSON is written entry by entry from the store into a temporary file (a million-entry deny
/// list is never held as objects), then hashed and signed; the answer streams the file.
/// <para>
/// A snapshot is built once per list version and kept, signed, in a file of its own, so a fleet asking for the same
/// snapshot costs one build: a million-entry deny list took 4.9-9.3 s to write and sign here (2026-12-04), against a device's 10 s
/// attempt timeout (docs/performance.md, "Lists"). Devices asking while it is built wait for that one build; one
/// whose attempt timed out finds it ready when it retries. It is built again once it has used an eighth of its
/// validity (21 h at the default 7 days); while that rebuild runs, the one it replaces is still served up to a quarter
/// of its validity, so a device never gets one with less than three quarters left and never waits behind a rebuild.
/// Deltas depend on the asking device's version and are small; they are built per request.
/// </para>
/// </summary>
internal sealed class ListPublisher : IDisposable
{
    private readonly ListRepository _lists;
    private readonly BackofficeOptions _options;
    private readonly ECDsa _key;
    private readonly TimeProvider _time;
    private readonly string _directory;
    private readonly ConcurrentDictionary<ListKind, BuiltSnapshot> _snapshots = new();
    private readonly Dictionary<ListKind, SemaphoreSlim> _building = Enum.GetValues<ListKind>().ToDictionary(k => k, _ => new SemaphoreSlim(1, 1));
    private int _snapshotsBuilt;

    public ListPublisher(ListRepository lists, BackofficeOptions options, ECDsa key, TimeProvider time)
    {
        _lists = lists;
        _options = options;
        _key = key;
        _time = time;
        // Next to the database, emptied at start: what a killed back office left is not served, and no cleaner of the
        // system's temporary files removes a kept snapshot under it.
        _directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath)) ?? ".", "list-packages");
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The signed package taking a device at <paramref name="since"/> to the current version; null when it is current.</summary>
    /// <param name="kind">The list.</param>
    /// <param name="since">The version the device has in service, 0 for none.</param>
    /// <param name="cancellationToken">Ends a wait for another request's build (the build itself runs on, for the retry).</param>
    public async Task<PublishedPackage?> PackageAsync(ListKind kind, long since, CancellationToken cancellationToken = default)
    {
        var current = _lists.CurrentVersion(kind);
        // Also 0 == 0: a list never published is not sent as an empty version 0, which a device would refuse as no newer.
        if (since == current) return null;
        var useDelta = kind != ListKind.Policy && since > 0 && since < current && _lists.ChangesSince(kind, since, current) <= _options.MaxDeltaChanges;
        if (!useDelta) return await SnapshotAsync(kind, since, cancellationToken).ConfigureAwait(false);
        return Build(TemporaryFile(), kind, current, since, _time.GetUtcNow(), writer => Delta(writer, kind, since, current));
    }

    /// <summary>The directory the kept snapshots are in, next to the database.</summary>
    public string KeptIn => _directory;

    /// <summary>How many snapshots were built and signed since start (a device served a kept one does not count).</summary>
    public int SnapshotsBuilt => Volatile.Read(ref _snapshotsBuilt);

    private async Task<PublishedPackage?> SnapshotAsync(ListKind kind, long since, CancellationToken cancellationToken)
    {
        if (Kept(kind, _options.ListValidity / 8) is { } fresh) return fresh;
        var building = _building[kind];
        if (!await building.WaitAsync(0, CancellationToken.None).ConfigureAwait(false))
        {
            // Another request builds it. One that has aged past an eighth of its validity is still good for most of
            // it: served at once rather than held up behind the new one.
            if (Kept(kind, _options.ListValidity / 4) is { } aging) return aging;
            await building.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            if (Kept(kind, _options.ListValidity / 8) is { } built) return built; // the build this request waited for
            // Read again: an administrator may have published while this request waited.
            var version = _lists.CurrentVersion(kind);
            return version == since ? null : BuildAndKeep(kind, version);
        }
        finally
        {
            building.Release();
        }
    }

    /// <summary>The kept snapshot of the current version, opened for one answer, when it is younger than <paramref name="maxAge"/>.</summary>
    private PublishedPackage? Kept(ListKind kind, TimeSpan maxAge)
    {
        if (!_snapshots.TryGetValue(kind, out var kept) || kept.Version != _lists.CurrentVersion(kind)) return null;
        if (_time.GetUtcNow() - kept.CreatedAt >= maxAge) return null;
        try
        {
            return kept.Open();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Removed under it, or replaced between the look-up and the open: built (again) by the caller.
            _snapshots.TryRemove(KeyValuePair.Create(kind, kept));
            return null;
        }
    }

    private PublishedPackage BuildAndKeep(ListKind kind, long version)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"{kind.ToSegment()}-{version}-{Guid.NewGuid():N}.json"));
        var now = _time.GetUtcNow();
        var body = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1 << 16);
        try
        {
            var package = Build(body, kind, version, since: null, now, writer => WriteSnapshot(writer, kind));
            Interlocked.Increment(ref _snapshotsBuilt);
            // Written while an administrator published again: its content may be the newer version's. It goes to this
            // device as before (the version it states is the older one, and the next poll brings the rest), but it is
            // not kept for the others. The open body still reads the unlinked file.
            if (_lists.CurrentVersion(kind) != version)
            {
                File.Delete(path);
                return package;
            }
            body.Dispose();
            var built = new BuiltSnapshot(version, now, path, package.Signature, package.KeyId);
            _snapshots.TryGetValue(kind, out var replaced);
            _snapshots[kind] = built;
            if (replaced is not null) File.Delete(replaced.Path); // a device still reading it keeps its handle
            return built.Open();
        }
        catch
        {
            body.Dispose();
            File.Delete(path);
            throw;
        }
    }

    private PublishedPackage Build(FileStream body, ListKind kind, long version, long? since, DateTimeOffset now, Func<Utf8JsonWriter, int> content)
    {
        try
        {
            using (var writer = new Utf8JsonWriter(body))
            {
                writer.WriteStartObject();
                writer.WriteString("list", kind.ToSegment());
                writer.WriteString("format", since is null ? "snapshot" : "delta");
                writer.WriteNumber("version", version);
                if (since is { } from) writer.WriteNumber("fromVersion", from);
                writer.WriteString("createdAt", now);
                writer.WriteString("expiresAt", now + _options.ListValidity);
                // Counted as written, so the count is that of the content actually sent.
                writer.WriteNumber("entryCount", content(writer));
                writer.WriteEndObject();
            }
            body.Position = 0;
            var signature = ListSigning.SignHash(SHA256.HashData(body), _key);
            body.Position = 0;
            return new PublishedPackage(body, signature, ListSigning.KeyId(_key));
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static FileStream TemporaryFile() =>
        new(Path.Combine(Path.GetTempPath(), "validator-list-" + Guid.NewGuid().ToString("N") + ".json"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);

    /// <summary>Removes the kept snapshots' files (a device still reading one keeps its handle).</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        foreach (var building in _building.Values) building.Dispose();
    }

    private int WriteSnapshot(Utf8JsonWriter writer, ListKind kind)
    {
        switch (kind)
        {
            case ListKind.Deny:
                return RawArray(writer, "denyEntries", _lists.DenySnapshotJson());
            case ListKind.Entitlements:
                return RawArray(writer, "entitlements", _lists.EntitlementSnapshotJson());
            default:
                writer.WritePropertyName("policy");
                JsonSerializer.Serialize(writer, _lists.PolicySnapshot(), SyncJsonContext.Default.FarePolicy);
                return 1;
        }
    }

    private int Delta(Utf8JsonWriter writer, ListKind kind, long since, long version)
    {
        var (added, removed) = _lists.FoldChanges(kind, since, version);
        if (kind == ListKind.Deny) return RawArray(writer, "denyAdded", added) + RawArray(writer, "denyRemoved", removed);
        var count = RawArray(writer, "entitlementsAdded", added);
        writer.WriteStartArray("entitlementsRemoved");
        foreach (var id in removed) writer.WriteStringValue(id);
        writer.WriteEndArray();
        return count + removed.Count;
    }

    /// <summary>Writes the stored JSON values as an array property; returns how many.</summary>
    private static int RawArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        var count = 0;
        writer.WriteStartArray(name);
        foreach (var json in values)
        {
            writer.WriteRawValue(json, skipInputValidation: true); // written by the same serializer when stored
            count++;
            if (writer.BytesPending > 1 << 16) writer.Flush();
        }
        writer.WriteEndArray();
        return count;
    }
}

/// <summary>A signed package ready to send: its JSON in a temporary file (deleted when disposed) and its signature.</summary>
/// <param name="Body">The package's UTF-8 JSON, positioned at its start.</param>
/// <param name="Signature">Base64 of the signature over the body's bytes (<see cref="SyncHeaders.ListSignature"/>).</param>
/// <param name="KeyId">The signing key's id (<see cref="SyncHeaders.ListKeyId"/>).</param>
internal sealed record PublishedPackage(Stream Body, string Signature, string KeyId);

/// <summary>A snapshot built and signed once, kept in <paramref name="Path"/> for every device asking for its version.</summary>
internal sealed record BuiltSnapshot(long Version, DateTimeOffset CreatedAt, string Path, string Signature, string KeyId)
{
    /// <summary>A stream of its own for one answer.</summary>
    public PublishedPackage Open() =>
        new(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16), Signature, KeyId);
}
