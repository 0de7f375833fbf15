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

    /// <summary>
    /// How long a rotation waits for a spare still being written (in practice only the first segment after opening,
    /// a few milliseconds for 1 MiB); after that the new segment is created empty instead, so a slow disk never holds a tap.
    /// </summary>
    private static readonly TimeSpan SpareWait = TimeSpan.FromMilliseconds(250);

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
        // A spare still being written (a rotation stopped waiting for it) or ready and not taken becomes the next one:
        // one writer of the spare's files at a time.
        if (!_options.PrepareSpareSegments || !_spareWork.IsCompleted || Volatile.Read(ref _spareReady)) return;
        // A thread of its own: the thread pool may be busy, and the rotation that follows must not wait for it.
        _spareWork = Task.Factory.StartNew(PrepareSpare, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Takes the spare as the new segment at <paramref name="path"/>: false (and nothing changed) when there is none.
    /// A spare still being written is waited for up to <see cref="SpareWait"/>.
    /// </summary>
    private bool TryTakeSpareLocked(string path)
    {
        // Waiting under the gate is safe: the preparation never takes it.
        if (!WaitForSpareWork(SpareWait)) return false;

        if (!Volatile.Read(ref _spareReady)) return false;
        _spareReady = false;
        // One rename(2): the caller checked under the gate that nothing is at path (File.Move without overwrite would
        // be link + unlink, two steps).
        File.Move(Path.Combine(_options.Directory, SpareName), path, overwrite: true);
        return true;
    }

    /// <summary>False when the spare's work did not finish within <paramref name="timeout"/> or failed (then it is logged).</summary>
    private bool WaitForSpareWork(TimeSpan timeout)
    {
        try
        {
            return _spareWork.Wait(timeout);
        }
        catch (AggregateException ex)
        {
            JournalLog.SpareFailed(_logger, ex.InnerException ?? ex);
            return false;
        }
    }

    /// <summary>
    /// Cuts the preallocated zeros off the segment being closed, durably, before the next segment exists. A failed sync
    /// faults the journal as a failed append's does: the page cache no longer tells what is on disk.
    /// </summary>
    private void TrimClosingLocked(SafeFileHandle? active, Segment segment)
    {
        if (active is null)
        {
            TryTrimByPath(segment);
            return;
        }

        try
        {
            if (RandomAccess.GetLength(active) <= segment.Length) return;
            RandomAccess.SetLength(active, segment.Length);
        }
        catch (IOException ex)
        {
            throw Fail(JournalFault.WriteFailed, "The journal segment being closed could not be trimmed.", ex);
        }

        try
        {
            Durability.FlushData(active);
        }
        catch (IOException ex)
        {
            _faulted = true;
            throw Fail(Durability.IsDiskFull(ex) ? JournalFault.DiskFull : JournalFault.SyncFailed, "The disk did not confirm the closed journal segment.", ex);
        }
    }

    /// <summary>
    /// The newest segment could not be opened at recovery: trim it by its path if that works now. If not, its zeros
    /// stay and the next open reports them as damage at the end of a closed segment (logged now); no record is touched
    /// either way, and the taps go on into the next segment.
    /// </summary>
    private void TryTrimByPath(Segment segment)
    {
        try
        {
            using var handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            if (RandomAccess.GetLength(handle) <= segment.Length) return;
            RandomAccess.SetLength(handle, segment.Length);
            Durability.FlushData(handle);
        }
        catch (FileNotFoundException)
        {
            // Gone: nothing left to trim.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            JournalLog.TrimFailed(_logger, Path.GetFileName(segment.Path), ex);
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
