using Validator.Core.Taps;

namespace Validator.Storage.Journal;

/// <summary>A record found in a segment, with where its frame lies.</summary>
internal readonly record struct ScannedRecord(TapRecord Tap, int Offset, int Length);

/// <summary>A run of bytes that holds no valid frame.</summary>
internal readonly record struct CorruptRegion(int Offset, int Length);

/// <summary>
/// Everything a pass over one segment found. Recovery resynchronises after damage by looking for the
/// next magic whose frame also passes its checksum, so intact records after a bad one are kept.
/// </summary>
internal sealed class SegmentScan
{
    private SegmentScan(List<ScannedRecord> records, List<CorruptRegion> corrupt, int length)
    {
        Records = records;
        Corrupt = corrupt;
        Length = length;
    }

    /// <summary>Intact records in file order.</summary>
    public IReadOnlyList<ScannedRecord> Records { get; }

    /// <summary>Damaged runs in file order.</summary>
    public IReadOnlyList<CorruptRegion> Corrupt { get; }

    /// <summary>How many bytes were scanned (all of them unless the scan stopped at its record limit).</summary>
    public int Length { get; }

    /// <summary>The damaged run that reaches the end of the data (no intact record after it), if any.</summary>
    public CorruptRegion? Tail =>
        Corrupt.Count > 0 && Corrupt[^1].Offset + Corrupt[^1].Length == Length ? Corrupt[^1] : null;

    /// <summary>
    /// Scans <paramref name="data"/> from its start. Records at or below <paramref name="skipThrough"/> are checked
    /// but neither decoded nor returned, and so are records at or above <paramref name="skipFrom"/>; the scan stops once
    /// <paramref name="maxRecords"/> records are found.
    /// </summary>
    public static SegmentScan Run(ReadOnlySpan<byte> data, long skipThrough = long.MinValue, int maxRecords = int.MaxValue, long skipFrom = long.MaxValue)
    {
        var records = new List<ScannedRecord>();
        var corrupt = new List<CorruptRegion>();
        var offset = 0;
        while (offset < data.Length && records.Count < maxRecords)
        {
            if (JournalFrame.TryRead(data, offset, skipThrough, skipFrom, out var tap, out var frameLength))
            {
                if (tap is not null) records.Add(new ScannedRecord(tap, offset, frameLength));
                offset += frameLength;
                continue;
            }

            var next = NextIntactFrame(data, offset + 1);
            var end = next < 0 ? data.Length : next;
            corrupt.Add(new CorruptRegion(offset, end - offset));
            offset = end;
        }

        return new SegmentScan(records, corrupt, offset);
    }

    private static int NextIntactFrame(ReadOnlySpan<byte> data, int from)
    {
        while (from < data.Length)
        {
            var candidate = JournalFrame.FindMagic(data, from);
            if (candidate < 0) return -1;
            if (JournalFrame.TryRead(data, candidate, out _, out _)) return candidate;
            from = candidate + 1;
        }

        return -1;
    }
}
