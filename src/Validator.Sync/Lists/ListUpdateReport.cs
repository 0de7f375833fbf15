using Validator.Core.Sync;

namespace Validator.Sync.Lists;

/// <summary>How one list update ended.</summary>
public enum ListUpdateOutcome
{
    /// <summary>The new version is in service.</summary>
    Applied,

    /// <summary>The device already has the newest version.</summary>
    UpToDate,

    /// <summary>The package was refused (signature, rollback, expiry, mass change, malformed); the old list stays in service.</summary>
    Refused,

    /// <summary>The package could not be fetched; the old list stays in service.</summary>
    Failed,
}

/// <summary>What one list update did.</summary>
/// <param name="List">Which list.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="VersionBefore">The version in service before.</param>
/// <param name="VersionAfter">The version in service after.</param>
/// <param name="Problem">Why it was refused or failed.</param>
public sealed record ListUpdateReport(ListKind List, ListUpdateOutcome Outcome, long VersionBefore, long VersionAfter, string? Problem = null);
