namespace Validator.Storage.Journal;

public sealed partial class TapJournal
{
    private JournalOpenReport Recover()
    {
        var directory = _options.Directory;
        _acknowledgedThrough = AckFile.Read(directory, out var ackDamaged);
        if (ackDamaged) JournalLog.AckFileDamaged(_logger, Path.Combine(directory, AckFile.FileName));
        File.Delete(Path.Combine(directory, AckFile.TempFileName));

        var files = System.IO.Directory.EnumerateFiles(directory, "*" + Segment.Extension)
            .Select(path => (Path: path, Ok: Segment.TryParseName(path, out var sequence), Sequence: sequence))
            .Where(file => file.Ok)
            .OrderBy(file => file.Sequence)
            .ToList();

        long records = 0, corruptBytes = 0, tornBytes = 0, highest = _acknowledgedThrough;
        var corruptRegions = 0;
        var now = _time.GetUtcNow();
        for (var i = 0; i < files.Count; i++)
        {
            var (path, _, nameSequence) = files[i];
            var segment = new Segment(path, nameSequence);
            // A segment holds the sequences from its name up to the next segment's name: an intact frame outside that
            // range is a copy that damage put there (the original is in its own segment) and must not be read twice.
            var nextName = i + 1 < files.Count ? files[i + 1].Sequence : long.MaxValue;
            var data = ReadSegment(path);
            var scan = SegmentScan.Run(data, nameSequence - 1, skipFrom: nextName);
            var isNewest = i == files.Count - 1;
            var earliest = now;
            foreach (var record in scan.Records)
            {
                segment.Add(record.Tap.Sequence, record.Tap.Time);
                if (record.Tap.Time < earliest) earliest = record.Tap.Time;
            }

            segment.Length = scan.Length;
            segment.StartedAt = earliest;
            foreach (var region in scan.Corrupt)
            {
                if (isNewest && region == scan.Tail)
                {
                    // Only the newest segment can end in a torn write or in zeros not yet written over (a pre-zeroed
                    // segment): a segment is closed after its last synced record and trimmed to it.
                    segment.Length = region.Offset;
                    var written = data.AsSpan(region.Offset, region.Length).LastIndexOfAnyExcept((byte)0) + 1;
                    if (written == 0) continue;
                    ZeroTornTail(segment, region.Offset, written);
                    tornBytes += written;
                    continue;
                }

                segment.KnownCorruptOffsets.Add(region.Offset);
                corruptRegions++;
                corruptBytes += region.Length;
                JournalLog.Corrupt(_logger, Path.GetFileName(path), region.Offset, region.Length);
            }

            records += segment.Count;
            highest = Math.Max(highest, Math.Max(segment.LastSequence, nameSequence - 1));
            _segments.Add(segment);
            _sizeBytes += segment.Length;
        }

        _nextSequence = highest + 1;
        if (_segments.Count > 0) _active = OpenForAppend(_segments[^1]);
        PruneLocked();
        _quotaAlarm = IsOverAlarmLocked();
        JournalLog.Opened(_logger, _segments.Count, records, _nextSequence);
        // Last, so a failed open leaves no background work behind in the directory it releases.
        ResetSpareLocked();
        return new JournalOpenReport
        {
            Segments = files.Count,
            Records = records,
            CorruptRegions = corruptRegions,
            CorruptBytes = corruptBytes,
            TornTailBytes = tornBytes,
            AckFileDamaged = ackDamaged,
            NextSequence = _nextSequence,
        };
    }

    private static byte[] ReadSegment(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException(JournalFault.Unreadable, $"Journal segment {path} cannot be read.", ex);
        }
    }

    /// <summary>
    /// Overwrites a torn last write with zeros, so the segment ends in free space again: a pre-zeroed segment keeps its
    /// preallocation, and the next append goes where the torn one began.
    /// </summary>
    private void ZeroTornTail(Segment segment, int offset, int length)
    {
        JournalLog.TornTail(_logger, Path.GetFileName(segment.Path), offset, length);
        try
        {
            using var handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            RandomAccess.Write(handle, new byte[length], offset);
            Durability.FlushData(handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException(JournalFault.WriteFailed, $"The torn end of {segment.Path} could not be cleared.", ex);
        }
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenForAppend(Segment segment)
    {
        try
        {
            return File.OpenHandle(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Readable but not writable now (an I/O error, a read-only file). The next append starts a new segment, or,
            // when this one is empty and named for that tap, opens it again or creates it again if it has gone, with a
            // journal fault while it cannot (ReopenNewestLocked).
            return null;
        }
    }
}
