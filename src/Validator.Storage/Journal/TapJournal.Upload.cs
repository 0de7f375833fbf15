using Validator.Core.Taps;

namespace Validator.Storage.Journal;

public sealed partial class TapJournal
{
    /// <summary>The most taps one read returns.</summary>
    public const int MaxReadBatch = 500;

    private readonly Lock _ackGate = new();
    private long _acknowledgedThrough;

    /// <summary>Raised when a read meets damaged bytes that recovery had not seen; the readable records are still returned.</summary>
    public event EventHandler<JournalCorruptionEventArgs>? CorruptionDetected;

    /// <summary>Highest sequence the back office has acknowledged; every tap above it is unsent.</summary>
    public long AcknowledgedThrough => Volatile.Read(ref _acknowledgedThrough);

    /// <summary>How many kept taps are not acknowledged yet.</summary>
    public long UnsentCount
    {
        get
        {
            var acknowledged = AcknowledgedThrough;
            lock (_gate)
            {
                long unsent = 0;
                foreach (var segment in _segments)
                {
                    if (segment.Count == 0 || segment.LastSequence <= acknowledged) continue;
                    // Sequences in a segment are consecutive unless damage removed some, so this never overcounts.
                    unsent += Math.Min(segment.Count, segment.LastSequence - Math.Max(acknowledged, segment.FirstSequence - 1));
                }

                return unsent;
            }
        }
    }

    /// <summary>The oldest unsent taps in sequence order, at most <paramref name="maxCount"/>.</summary>
    public IReadOnlyList<TapRecord> ReadUnsent(int maxCount = MaxReadBatch) => ReadAfter(AcknowledgedThrough, maxCount);

    /// <summary>
    /// Taps with a sequence above <paramref name="afterSequence"/>, in order, at most <paramref name="maxCount"/>.
    /// An uploader that pipelines batches passes the last sequence it has sent as the cursor.
    /// </summary>
    public IReadOnlyList<TapRecord> ReadAfter(long afterSequence, int maxCount = MaxReadBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, MaxReadBatch);

        List<(Segment Segment, long Length, long NextName)> snapshot;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            snapshot = _segments
                .Select((s, i) => (s, s.Length, i + 1 < _segments.Count ? _segments[i + 1].NameSequence : long.MaxValue))
                .Where(s => s.s.Count > 0 && s.s.LastSequence > afterSequence)
                .ToList();
        }

        // Bytes below a segment's synced length never change, so reading them needs no lock and never waits for a tap.
        var result = new List<TapRecord>(Math.Min(maxCount, 64));
        foreach (var (segment, length, nextName) in snapshot)
        {
            if (!TryReadPrefix(segment.Path, length, out var bytes)) continue;
            // Only the segment's own range: a frame copied here by damage would put the batch out of order, and an
            // uploader acknowledging through its last tap would then skip taps never sent.
            var from = Math.Max(afterSequence, segment.NameSequence - 1);
            var scan = SegmentScan.Run(bytes, from, maxCount - result.Count, nextName);
            ReportNewDamage(segment, scan);
            IEnumerable<ScannedRecord> records = scan.Records;
            if (!InOrder(scan.Records))
            {
                // Damage copied frames within the segment (only then are records out of order): read the whole range
                // and offer each sequence once, in order, so a batch never jumps past taps it did not hold.
                records = SegmentScan.Run(bytes, from, int.MaxValue, nextName).Records
                    .DistinctBy(r => r.Tap.Sequence).OrderBy(r => r.Tap.Sequence).Take(maxCount - result.Count);
            }
            foreach (var record in records)
            {
                if (record.Tap.Sequence <= afterSequence || (result.Count > 0 && record.Tap.Sequence <= result[^1].Sequence)) continue;
                result.Add(record.Tap);
            }

            if (result.Count == maxCount) return result;
        }

        return result;
    }

    /// <summary>
    /// Durably records that the back office has every tap up to and including <paramref name="throughSequence"/>.
    /// Acknowledging less than before is ignored; acknowledged segments become eligible for retention.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence was never written.</exception>
    public void Acknowledge(long throughSequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(throughSequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(throughSequence, LastSequence);
        lock (_ackGate)
        {
            if (throughSequence <= AcknowledgedThrough) return;
            ObjectDisposedException.ThrowIf(_disposed, this);
            AckFile.Write(_options.Directory, throughSequence);
            Volatile.Write(ref _acknowledgedThrough, throughSequence);
        }

        Prune();
    }

    private static bool TryReadPrefix(string path, long length, out byte[] bytes)
    {
        bytes = new byte[length];
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0) break;
                read += n;
            }

            if (read < length) bytes = bytes[..read];
            return true;
        }
        catch (FileNotFoundException)
        {
            // Retention deleted it after the snapshot: everything in it was acknowledged.
            return false;
        }
    }

    private void ReportNewDamage(Segment segment, SegmentScan scan)
    {
        foreach (var region in scan.Corrupt)
        {
            bool isNew;
            lock (_gate) isNew = segment.KnownCorruptOffsets.Add(region.Offset);
            if (!isNew) continue;
            JournalLog.Corrupt(_logger, Path.GetFileName(segment.Path), region.Offset, region.Length);
            CorruptionDetected?.Invoke(this, new JournalCorruptionEventArgs(Path.GetFileName(segment.Path), region.Offset, region.Length));
        }
    }

    private static bool InOrder(IReadOnlyList<ScannedRecord> records)
    {
        for (var i = 1; i < records.Count; i++)
        {
            if (records[i].Tap.Sequence <= records[i - 1].Tap.Sequence) return false;
        }
        return true;
    }
}
