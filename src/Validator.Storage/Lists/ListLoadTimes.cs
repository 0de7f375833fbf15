namespace Validator.Storage.Lists;

/// <summary>One list's part of opening the store: reading it into its index, then handing the loading garbage back.</summary>
/// <param name="Read">Opening a connection, reading the list and building its in-memory index.</param>
/// <param name="Collect">The blocking collection after it that returns the loading garbage to the OS.</param>
public readonly record struct ListLoadTime(TimeSpan Read, TimeSpan Collect)
{
    /// <summary>Reading and collecting together.</summary>
    public TimeSpan Total => Read + Collect;
}

/// <summary>How long opening the list store took, list by list, and the connection kept for updates.</summary>
public sealed record ListLoadTimes(ListLoadTime Entitlements, ListLoadTime DenyList, ListLoadTime Policy, TimeSpan Connection)
{
    /// <summary>Opening the store from start to end.</summary>
    public TimeSpan Total => Entitlements.Total + DenyList.Total + Policy.Total + Connection;
}
