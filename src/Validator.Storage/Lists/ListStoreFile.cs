using System.Globalization;

namespace Validator.Storage.Lists;

/// <summary>File operations on a list database that is not open.</summary>
public static class ListStoreFile
{
    /// <summary>
    /// Moves a damaged list database (and its LiteDB log file) out of the way, next to where it was, so a
    /// fresh store can be created and the damaged one kept for diagnosis. Returns the new path of the database.
    /// </summary>
    public static string SetAside(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(time);
        var suffix = ".corrupt-" + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = path + suffix;
        File.Move(path, target);
        var log = LogPath(path);
        if (File.Exists(log)) File.Move(log, target + "-log");
        return target;
    }

    /// <summary>LiteDB 5 keeps uncheckpointed pages in "name-log.ext" next to "name.ext".</summary>
    internal static string LogPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? string.Empty, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));
}
