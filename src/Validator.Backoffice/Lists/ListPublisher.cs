using System.Security.Cryptography;
using System.Text.Json;
using Validator.Core.Sync;

namespace Validator.Backoffice.Lists;

/// <summary>
/// Builds and signs the package a device asks for: nothing when it is current, a delta when it is close, else a
/// snapshot. The package's JSON is written entry by entry from the store into a temporary file (a million-entry deny
/// list is never held as objects), then hashed and signed; the answer streams the file.
/// </summary>
internal sealed class ListPublisher(ListRepository lists, BackofficeOptions options, ECDsa key, TimeProvider time)
{
    /// <summary>The signed package taking a device at <paramref name="since"/> to the current version; null when it is current.</summary>
    public PublishedPackage? Package(ListKind kind, long since)
    {
        var current = lists.CurrentVersion(kind);
        // Also 0 == 0: a list never published is not sent as an empty version 0, which a device would refuse as no newer.
        if (since == current) return null;
        var useDelta = kind != ListKind.Policy && since > 0 && since < current && lists.ChangesSince(kind, since, current) <= options.MaxDeltaChanges;
        var body = new FileStream(Path.Combine(Path.GetTempPath(), "validator-list-" + Guid.NewGuid().ToString("N") + ".json"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            using (var writer = new Utf8JsonWriter(body))
            {
                var now = time.GetUtcNow();
                writer.WriteStartObject();
                writer.WriteString("list", kind.ToSegment());
                writer.WriteString("format", useDelta ? "delta" : "snapshot");
                writer.WriteNumber("version", current);
                if (useDelta) writer.WriteNumber("fromVersion", since);
                writer.WriteString("createdAt", now);
                writer.WriteString("expiresAt", now + options.ListValidity);
                // Counted as written, so the count is that of the content actually sent.
                var count = useDelta ? Delta(writer, kind, since, current) : Snapshot(writer, kind);
                writer.WriteNumber("entryCount", count);
                writer.WriteEndObject();
            }
            body.Position = 0;
            var signature = ListSigning.SignHash(SHA256.HashData(body), key);
            body.Position = 0;
            return new PublishedPackage(body, signature, ListSigning.KeyId(key));
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private int Snapshot(Utf8JsonWriter writer, ListKind kind)
    {
        switch (kind)
        {
            case ListKind.Deny:
                return RawArray(writer, "denyEntries", lists.DenySnapshotJson());
            case ListKind.Entitlements:
                return RawArray(writer, "entitlements", lists.EntitlementSnapshotJson());
            default:
                writer.WritePropertyName("policy");
                JsonSerializer.Serialize(writer, lists.PolicySnapshot(), SyncJsonContext.Default.FarePolicy);
                return 1;
        }
    }

    private int Delta(Utf8JsonWriter writer, ListKind kind, long since, long version)
    {
        var (added, removed) = lists.FoldChanges(kind, since, version);
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
