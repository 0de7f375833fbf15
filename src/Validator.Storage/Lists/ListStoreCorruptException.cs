namespace Validator.Storage.Lists;

/// <summary>
/// The list database cannot be read. Lists can always be downloaded again: set the file aside with
/// <see cref="ListStoreFile.SetAside"/> (nothing is deleted), open a fresh store and fetch full snapshots.
/// </summary>
public sealed class ListStoreCorruptException : Exception
{
    /// <summary>Creates the exception for the file at <paramref name="path"/>.</summary>
    public ListStoreCorruptException(string path, string problem, Exception? inner = null)
        : base($"The list store '{path}' cannot be read: {problem}. Set it aside (ListStoreFile.SetAside) and download the lists again.", inner)
    {
        StorePath = path;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ListStoreCorruptException() : this("(unknown)", "unspecified problem") { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ListStoreCorruptException(string message, Exception innerException) : base(message, innerException) => StorePath = "(unknown)";

    /// <summary>Creates the exception with a message.</summary>
    public ListStoreCorruptException(string message) : base(message) => StorePath = "(unknown)";

    /// <summary>The database file that could not be read.</summary>
    public string StorePath { get; }
}
