namespace Validator.Core.Lists;

/// <summary>Whether a list update was applied.</summary>
public enum ListUpdateStatus
{
    /// <summary>Stored and in force.</summary>
    Applied,

    /// <summary>The delta was for another version than the one held; nothing changed, fetch a full snapshot.</summary>
    VersionMismatch,
}

/// <summary>The outcome of a list update and the version held afterwards.</summary>
/// <param name="Status">Applied or refused.</param>
/// <param name="Version">The list's version after the call.</param>
public readonly record struct ListUpdateResult(ListUpdateStatus Status, long Version);
