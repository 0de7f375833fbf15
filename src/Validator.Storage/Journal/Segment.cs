using System.Globalization;

namespace Validator.Storage.Journal;

/// <summary>
/// What the journal knows about one segment file without reading it again. A segment is named by the
/// sequence its first record got (20 digits, so names sort as numbers), which also keeps the sequence
/// recoverable when the segment is still empty.
/// </summary>
internal sealed class Segment(string path, long nameSequence)
{
    public const string Extension = ".tapj";

    /// <summary>Full path of the file.</summary>
    public string Path { get; } = path;

    /// <summary>No record in this segment has a lower sequence.</summary>
    public long NameSequence { get; } = nameSequence;

    /// <summary>Bytes known to be written and synced; readers never look past this.</summary>
    public long Length { get; set; }

    /// <summary>Number of intact records.</summary>
    public int Count { get; private set; }

    /// <summary>Sequence of the first intact record; 0 when empty.</summary>
    public long FirstSequence { get; private set; }

    /// <summary>Sequence of the last intact record; 0 when empty.</summary>
    public long LastSequence { get; private set; }

    /// <summary>Latest tap time in the segment, for retention.</summary>
    public DateTimeOffset NewestTime { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>When the segment started to be written, for rotation by age.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Offsets of damage already reported, so readers do not report it again.</summary>
    public HashSet<long> KnownCorruptOffsets { get; } = [];

    /// <summary>Notes one more intact record.</summary>
    public void Add(long sequence, DateTimeOffset time)
    {
        if (Count == 0) FirstSequence = sequence;
        LastSequence = Math.Max(LastSequence, sequence);
        if (time > NewestTime) NewestTime = time;
        Count++;
    }

    /// <summary>File name for a segment whose first record gets <paramref name="sequence"/>.</summary>
    public static string FileName(long sequence) => sequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    /// <summary>Reads the sequence back from a segment's file name.</summary>
    public static bool TryParseName(string path, out long sequence)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        return long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out sequence) && name.Length == 20;
    }
}
