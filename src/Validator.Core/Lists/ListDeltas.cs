namespace Validator.Core.Lists;

/// <summary>Changes that take the deny list from one version to the next.</summary>
public sealed record DenyListDelta
{
    /// <summary>The version the delta applies to; it is refused on any other.</summary>
    public required long FromVersion { get; init; }

    /// <summary>The version after the delta.</summary>
    public required long ToVersion { get; init; }

    /// <summary>Entries to add (an entry with an existing key replaces it).</summary>
    public IReadOnlyList<DenyEntry> Added { get; init; } = [];

    /// <summary>Keys of entries to remove; removals apply before additions.</summary>
    public IReadOnlyList<DenyKey> Removed { get; init; } = [];
}

/// <summary>Changes that take the entitlements from one version to the next.</summary>
public sealed record EntitlementDelta
{
    /// <summary>The version the delta applies to; it is refused on any other.</summary>
    public required long FromVersion { get; init; }

    /// <summary>The version after the delta.</summary>
    public required long ToVersion { get; init; }

    /// <summary>Entitlements to add or replace (by id).</summary>
    public IReadOnlyList<Entitlement> Added { get; init; } = [];

    /// <summary>Ids of entitlements to remove; removals apply before additions.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];
}
