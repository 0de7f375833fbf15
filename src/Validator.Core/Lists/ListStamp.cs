namespace Validator.Core.Lists;

/// <summary>Which version of a list is loaded and when it was last brought up to date from the back office.</summary>
/// <param name="Version">The back office's version number; 0 means "never loaded".</param>
/// <param name="UpdatedAt">When this device last applied a snapshot or delta of the list.</param>
public readonly record struct ListStamp(long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>The stamp of a list that was never loaded.</summary>
    public static ListStamp None => default;

    /// <summary>True when the list is older than <paramref name="maxAge"/> at <paramref name="now"/>, or never loaded.</summary>
    public bool IsStale(DateTimeOffset now, TimeSpan maxAge) => Version == 0 || now - UpdatedAt > maxAge;
}
