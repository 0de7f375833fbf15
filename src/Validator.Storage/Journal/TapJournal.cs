using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Validator.Core.Taps;

namespace Validator.Storage.Journal;

/// <summary>
/// The durable, append-only journal of taps. <see cref="Append"/> returns only after the record is on
/// stable storage (fdatasync), so feedback may start the moment it returns: the tap then survives kill -9
/// and power loss. Records are CRC-framed in size- and age-bounded segment files; see docs/journal.md.
/// One instance per directory per process; all members are thread-safe.
/// </summary>
public sealed partial class TapJournal : Validator.Core.Taps.ITapJournal, IDisposable
{
    private const string LockFileName = "journal.lock";

    private readonly Lock _gate = new();
    private readonly TapJournalOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FileStream _lockFile;
    private readonly List<Segment> _segments = [];
    private readonly ArrayBufferWriter<byte> _frame = new(512);
    private SafeFileHandle? _active;
    private long _nextSequence;
    private long _sizeBytes;
    private long _lastSyncTicks;
    private bool _faulted;
    // A rotation began (the closing segment trimmed) and has not finished: the retry must finish it, whatever the next
    // tap's size, or a shorter tap would go back into the trimmed segment while a file named for its sequence exists.
    private bool _rotating;
    private bool _disposed;

    private TapJournal(TapJournalOptions options, TimeProvider time, ILogger logger, FileStream lockFile)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _lockFile = lockFile;
        try
        {
            OpenReport = Recover();
        }
        catch
        {
            _active?.Dispose();
            throw;
        }
    }

    /// <summary>What recovery found and repaired when the journal was opened.</summary>
    public JournalOpenReport OpenReport { get; }

    /// <summary>The directory the journal lives in.</summary>
    public string Directory => _options.Directory;

    /// <summary>Sequence of the last tap written; 0 before the first.</summary>
    public long LastSequence
    {
        get
        {
            lock (_gate) return _nextSequence - 1;
        }
    }

    /// <summary>The last tap written (read back from its segment), or null before the first.</summary>
    public TapRecord? LastStored
    {
        get
        {
            var last = LastSequence;
            return last == 0 ? null : ReadAfter(last - 1, 1) is [var tap] ? tap : null;
        }
    }

    /// <summary>
    /// How long the last <see cref="Append"/> waited in fdatasync for the disk to confirm the tap's record, also when the
    /// sync failed; zero when the append failed before its sync. A new segment's directory sync (once per segment) is
    /// not in it.
    /// </summary>
    public TimeSpan LastSyncTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _lastSyncTicks));

    /// <summary>Bytes the segment files use.</summary>
    public long SizeBytes
    {
        get
        {
            lock (_gate) return _sizeBytes;
        }
    }

    /// <summary>
    /// Opens (or creates) the journal in <see cref="TapJournalOptions.Directory"/> and recovers it: torn tails are
    /// cut off, damaged records are skipped and counted in <see cref="OpenReport"/>, the sequence continues.
    /// </summary>
    /// <exception cref="JournalUnavailableException">Another process holds the journal, or a segment cannot be read.</exception>
    public static TapJournal Open(TapJournalOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var directory = Path.GetFullPath(options.Directory);
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            Durability.FlushDirectory(Path.GetDirectoryName(directory) ?? directory);
        }

        FileStream lockFile;
        try
        {
            // FileShare.None takes flock(LOCK_EX) on Linux; the kernel drops it when the process dies, even by SIGKILL.
            lockFile = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new JournalUnavailableException(JournalFault.Locked, $"The tap journal in {directory} is open in another process.", ex);
        }

        try
        {
            var copy = new TapJournalOptions
            {
                Directory = directory,
                MaxSegmentBytes = options.MaxSegmentBytes,
                MaxSegmentAge = options.MaxSegmentAge,
                Retention = options.Retention,
                QuotaBytes = options.QuotaBytes,
                QuotaAlarmRatio = options.QuotaAlarmRatio,
                PrepareSpareSegments = options.PrepareSpareSegments,
            };
            return new TapJournal(copy, time ?? TimeProvider.System, logger ?? NullLogger.Instance, lockFile);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="tap"/> with the next sequence number and returns once it is on stable storage.
    /// The returned record carries the sequence; feedback may start when this returns.
    /// </summary>
    /// <exception cref="ArgumentException">The record breaks a journal rule (more than four PAN digits, oversized field).</exception>
    /// <exception cref="JournalUnavailableException">The tap could not be made durable (disk full, I/O error); show "out of service".</exception>
    public TapRecord Append(TapRecord tap)
    {
        TapRecordCodec.Validate(tap);
        TapRecord stored;
        bool? alarmChange;
        lock (_gate)
        {
            Volatile.Write(ref _lastSyncTicks, 0);
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_faulted)
                throw new JournalUnavailableException(JournalFault.SyncFailed, "The tap journal lost a sync earlier and must be reopened.");

            stored = tap with { Sequence = _nextSequence };
            JournalFrame.Write(stored, _frame);
            var now = _time.GetUtcNow();
            var rotated = EnsureActiveSegment(_frame.WrittenCount, stored.Sequence, now);
            var segment = _segments[^1];
            WriteDurably(segment, _frame.WrittenSpan);

            segment.Length += _frame.WrittenCount;
            segment.Add(stored.Sequence, stored.Time);
            _sizeBytes += _frame.WrittenCount;
            _nextSequence++;
            if (rotated) PruneLocked();
            alarmChange = UpdateQuotaAlarmLocked();
        }

        RaiseQuotaAlarm(alarmChange);
        return stored;
    }

    /// <summary>Closes the files and releases the directory lock.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            // The spare's file work is short, and the directory stays this process's until it is done.
            WaitForSpareWork(Timeout.InfiniteTimeSpan);

            _active?.Dispose();
            _lockFile.Dispose();
        }
    }

    private bool EnsureActiveSegment(int frameLength, long sequence, DateTimeOffset now)
    {
        if (_active is not null && _segments.Count > 0 && !_rotating)
        {
            var last = _segments[^1];
            var fits = last.Length + frameLength <= _options.MaxSegmentBytes && now - last.StartedAt < _options.MaxSegmentAge;
            if (last.Count == 0 || fits) return false;
        }

        var path = Path.Combine(_options.Directory, Segment.FileName(sequence));
        if (_active is null && _segments.Count > 0 && _segments[^1].Count == 0 && _segments[^1].Path == path)
        {
            ReopenNewestLocked(_segments[^1]);
            return false;
        }

        // Closed segments end at their last record: the zeros a spare brought are cut off before the next segment exists.
        _rotating = true;
        if (_segments.Count > 0) TrimClosingLocked(_active, _segments[^1]);
        SafeFileHandle? handle = null;
        try
        {
            // A file already at the new name is what an earlier attempt that failed after creating it left (this tap's
            // sequence is the one that attempt had): it holds no record, so it is taken as it is.
            var exists = File.Exists(path) || TryTakeSpareLocked(path);
            handle = File.OpenHandle(path, exists ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            // The new name must survive power loss too, or the records synced into it would be unreachable.
            Durability.FlushDirectory(_options.Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            handle?.Dispose();
            // With nothing at the new name the closing segment may take the next tap again (it was only trimmed); with a
            // file there, the next tap must finish this rotation, or recovery would read that file as the start of
            // the sequences the closing segment then took.
            _rotating = File.Exists(path);
            throw FailWrite("A new journal segment could not be created.", ex);
        }

        StartSpareLocked();
        _active?.Dispose();
        _active = handle;
        _segments.Add(new Segment(path, sequence) { StartedAt = now });
        _rotating = false;
        return true;
    }

    /// <summary>
    /// The newest segment is empty and named for the next tap, but could not be opened at recovery: opened now, or
    /// created again if it has gone meanwhile.
    /// </summary>
    private void ReopenNewestLocked(Segment newest)
    {
        SafeFileHandle? handle = null;
        try
        {
            var exists = File.Exists(newest.Path);
            handle = File.OpenHandle(newest.Path, exists ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            if (!exists)
            {
                Durability.FlushDirectory(_options.Directory);
                _sizeBytes -= newest.Length;
                newest.Length = 0;
                newest.KnownCorruptOffsets.Clear();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            handle?.Dispose();
            throw FailWrite("The newest journal segment could not be opened.", ex);
        }

        _active = handle;
    }

    private void WriteDurably(Segment segment, ReadOnlySpan<byte> frame)
    {
        var handle = _active!;
        try
        {
            RandomAccess.Write(handle, frame, segment.Length);
        }
        catch (IOException ex)
        {
            // A partial frame must not stay in front of the next append; recovery would skip it, but cut it now.
            TryCut(handle, segment.Length);
            throw FailWrite("The tap could not be written to the journal.", ex);
        }

        var syncing = Stopwatch.GetTimestamp();
        IOException? failed = null;
        try
        {
            Durability.FlushData(handle);
        }
        catch (IOException ex)
        {
            failed = ex;
        }
        // Kept also for a sync that failed: one that stalled and then failed is what the figure is for.
        Volatile.Write(ref _lastSyncTicks, Stopwatch.GetTimestamp() - syncing);
        if (failed is not null)
        {
            // After a failed fsync the page cache no longer tells what is on disk (the 2018 "fsyncgate"):
            // drop the unconfirmed record and refuse appends until a reopen has re-read the files.
            TryCut(handle, segment.Length);
            _faulted = true;
            throw Fail(Durability.IsDiskFull(failed) ? JournalFault.DiskFull : JournalFault.SyncFailed, "The disk did not confirm the tap.", failed);
        }
    }

    private static void TryCut(SafeFileHandle handle, long length)
    {
        try
        {
            RandomAccess.SetLength(handle, length);
        }
        catch (IOException)
        {
            // The tail stays; recovery recognises it as torn and cuts it on the next open.
        }
    }

    /// <summary>
    /// A write that failed, as its journal fault (logged): disk full, or else WriteFailed, also for a file or directory
    /// the service may not write to (EACCES, EPERM), which is out of service like an I/O error.
    /// </summary>
    private JournalUnavailableException FailWrite(string message, Exception ex)
    {
        var cause = ex as IOException ?? new IOException(ex.Message, ex);
        return Fail(Durability.IsDiskFull(cause) ? JournalFault.DiskFull : JournalFault.WriteFailed, message, cause);
    }

    private JournalUnavailableException Fail(JournalFault fault, string message, IOException cause)
    {
        JournalLog.AppendFailed(_logger, fault, cause);
        return new JournalUnavailableException(fault, message, cause);
    }
}
