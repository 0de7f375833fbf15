using Microsoft.Win32.SafeHandles;

namespace Validator.Storage.Journal;

/// <summary>
/// Pre-zeroed segments. Appending to a file that grows makes every tap's fdatasync commit a new file size
/// (on ext4 a journal transaction besides the data block); overwriting zeros that are already on disk makes it
/// a pure data write. So the next segment is written full of zeros and synced ahead of time, off the tap path,
/// as <see cref="SpareName"/>; rotation renames it into place. A segment closed by rotation is trimmed to its
/// records first, so closed segments hold nothing else and their end keeps its meaning for recovery.
/// </summary>
public sealed partial class TapJournal
{
    /// <summary>The next segment, zero-filled and synced, waiting for rotation. Not a segment name, so recovery never scans it.</summary>
    internal const string SpareName = "segment.spare";

    private const string SpareTempName = "segment.spare.tmp";

    /// <summary>A spare is prepared only while the disk keeps this many segments' worth free besides it, so it never takes a tap's room.</summary>
    private const int FreeSegmentsToKeep = 4;

    private Task _spareWork = Task.CompletedTask;
    private bool _spareReady;

    /// <summary>Completes when the spare segment being prepared (if any) is ready or given up.</summary>
    internal Task SpareWork
    {
        get
        {
            lock (_gate) return _spareWork;
        }
    }

    /// <summary>Drops a spare left by an earlier run (its state is unknown) and prepares a fresh one.</summary>
    private void ResetSpareLocked()
    {
        File.Delete(Path.Combine(_options.Directory, SpareTempName));
        File.Delete(Path.Combine(_options.Directory, SpareName));
        StartSpareLocked();
    }

    private void StartSpareLocked()
    {
        _spareReady = false;
        _spareWork = Task.Run(PrepareSpare);
    }

    /// <summary>
    /// Takes the spare as the new segment at <paramref name="path"/>: false (and nothing changed) when there is none.
    /// A spare still being written is waited for: that happens only for the first segment after opening.
    /// </summary>
    private bool TryTakeSpareLocked(string path)
    {
        // Waiting under the gate is safe: the preparation never takes it.
        try
        {
            _spareWork.Wait();
        }
        catch (AggregateException)
        {
            return false;
        }

        if (!Volatile.Read(ref _spareReady)) return false;
        _spareReady = false;
        File.Move(Path.Combine(_options.Directory, SpareName), path);
        return true;
    }

    /// <summary>Cuts the preallocated zeros off a segment being closed, durably, before the next segment exists.</summary>
    private static void TrimClosing(SafeFileHandle? active, Segment segment)
    {
        var handle = active ?? File.OpenHandle(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (RandomAccess.GetLength(handle) <= segment.Length) return;
            RandomAccess.SetLength(handle, segment.Length);
            Durability.FlushData(handle);
        }
        finally
        {
            if (active is null) handle.Dispose();
        }
    }

    private void PrepareSpare()
    {
        var temp = Path.Combine(_options.Directory, SpareTempName);
        var size = _options.MaxSegmentBytes;
        try
        {
            var free = new DriveInfo(_options.Directory).AvailableFreeSpace;
            if (free < (FreeSegmentsToKeep + 1) * size)
            {
                JournalLog.SpareSkipped(_logger, free, size);
                return;
            }

            using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                var zeros = new byte[(int)Math.Min(size, 64 * 1024)];
                for (long offset = 0; offset < size; offset += zeros.Length)
                    RandomAccess.Write(handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, size - offset)), offset);
                Durability.FlushData(handle);
            }

            // A spare renamed after Dispose is left for the next open, which deletes it.
            File.Move(temp, Path.Combine(_options.Directory, SpareName), overwrite: true);
            Volatile.Write(ref _spareReady, true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Without a spare the next segment grows as it is written: slower syncs, nothing lost.
            JournalLog.SpareFailed(_logger, ex);
        }
        finally
        {
            if (!Volatile.Read(ref _spareReady)) TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Deleted again at the next open.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
