using Validator.Core.Lists;

namespace Validator.Core.Sync;

/// <summary>
/// The signed content of one list download: a snapshot or a delta of one list, with the facts the device checks
/// before applying it (version, age, expiry, size). Only the fields of its kind and format are set. On the wire it is
/// the answer body as UTF-8 JSON, signed over its exact bytes (<see cref="ListSigning"/>, docs/api.md); a device
/// reads a deny snapshot entry by entry rather than as this object.
/// </summary>
public sealed record ListPackage
{
    /// <summary>Which list this is; part of the signed bytes so one list cannot pass for another.</summary>
    public required ListKind List { get; init; }

    /// <summary>Snapshot or delta.</summary>
    public required ListPackageFormat Format { get; init; }

    /// <summary>The list's version after applying this package.</summary>
    public required long Version { get; init; }

    /// <summary>For a delta, the version it applies to; 0 for a snapshot.</summary>
    public long FromVersion { get; init; }

    /// <summary>When the back office built the package.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this instant the device must not apply the package (a replayed old download).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Entries in a snapshot, or added plus removed entries in a delta; checked against the content.</summary>
    public required int EntryCount { get; init; }

    /// <summary>Deny list snapshot: every entry.</summary>
    public IReadOnlyList<DenyEntry>? DenyEntries { get; init; }

    /// <summary>Deny list delta: entries added or replaced.</summary>
    public IReadOnlyList<DenyEntry>? DenyAdded { get; init; }

    /// <summary>Deny list delta: keys removed.</summary>
    public IReadOnlyList<DenyKey>? DenyRemoved { get; init; }

    /// <summary>Entitlements snapshot: every entitlement.</summary>
    public IReadOnlyList<Entitlement>? Entitlements { get; init; }

    /// <summary>Entitlements delta: added or replaced.</summary>
    public IReadOnlyList<Entitlement>? EntitlementsAdded { get; init; }

    /// <summary>Entitlements delta: ids removed.</summary>
    public IReadOnlyList<string>? EntitlementsRemoved { get; init; }

    /// <summary>Policy snapshot.</summary>
    public FarePolicy? Policy { get; init; }
}
