using System.Security.Cryptography;
using System.Text.Json;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Backoffice.Lists;

/// <summary>Builds and signs the package a device asks for: nothing when it is current, a delta when it is close, else a snapshot.</summary>
internal sealed class ListPublisher(ListRepository lists, BackofficeOptions options, ECDsa key, TimeProvider time)
{
    /// <summary>The signed package taking a device at <paramref name="since"/> to the current version; null when it is current.</summary>
    public SignedListPackage? Package(ListKind kind, long since)
    {
        var current = lists.CurrentVersion(kind);
        // Also 0 == 0: a list never published is not sent as an empty version 0, which a device would refuse as no newer.
        if (since == current) return null;
        var useDelta = kind != ListKind.Policy && since > 0 && since < current && lists.ChangesSince(kind, since, current) <= options.MaxDeltaChanges;
        var package = useDelta ? Delta(kind, since, current) : Snapshot(kind, current);
        return ListSigning.Sign(package, key);
    }

    private ListPackage Snapshot(ListKind kind, long version)
    {
        var now = time.GetUtcNow();
        var package = new ListPackage
        {
            List = kind,
            Format = ListPackageFormat.Snapshot,
            Version = version,
            CreatedAt = now,
            ExpiresAt = now + options.ListValidity,
            EntryCount = 0,
        };
        package = kind switch
        {
            ListKind.Deny => package with { DenyEntries = lists.DenySnapshot() },
            ListKind.Entitlements => package with { Entitlements = lists.EntitlementSnapshot() },
            _ => package with { Policy = lists.PolicySnapshot() },
        };
        return package with { EntryCount = package.CountEntries() };
    }

    private ListPackage Delta(ListKind kind, long since, long version)
    {
        var now = time.GetUtcNow();
        var (added, removed) = lists.FoldChanges(kind, since, version);
        var package = new ListPackage
        {
            List = kind,
            Format = ListPackageFormat.Delta,
            Version = version,
            FromVersion = since,
            CreatedAt = now,
            ExpiresAt = now + options.ListValidity,
            EntryCount = added.Count + removed.Count,
        };
        return kind == ListKind.Deny
            ? package with
            {
                DenyAdded = added.Select(j => JsonSerializer.Deserialize(j, SyncJsonContext.Default.DenyEntry)!).ToList(),
                DenyRemoved = removed.Select(j => JsonSerializer.Deserialize(j, SyncJsonContext.Default.DenyKey)).ToList(),
            }
            : package with
            {
                EntitlementsAdded = added.Select(j => JsonSerializer.Deserialize(j, SyncJsonContext.Default.Entitlement)!).ToList(),
                EntitlementsRemoved = removed,
            };
    }
}
