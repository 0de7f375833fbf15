namespace Validator.Storage.Journal;

public sealed partial class TapJournal
{
    private bool _quotaAlarm;

    /// <summary>Raised when <see cref="QuotaAlarm"/> turns on or off.</summary>
    public event EventHandler<JournalQuotaEventArgs>? QuotaAlarmChanged;

    /// <summary>
    /// True while the journal uses at least <see cref="TapJournalOptions.QuotaAlarmRatio"/> of its quota after
    /// deleting what it may. Unsent taps are never dropped: appends go on while the disk has room.
    /// </summary>
    public bool QuotaAlarm
    {
        get
        {
            lock (_gate) return _quotaAlarm;
        }
    }

    /// <summary>
    /// Deletes whole segments that are not being written, hold only acknowledged taps, and are older than the
    /// retention (or, while the quota alarm is on, any age). Returns how many were deleted.
    /// Runs by itself on open, after each acknowledgement and when a segment is closed.
    /// </summary>
    public int Prune()
    {
        int deleted;
        bool? alarmChange;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            deleted = PruneLocked();
            alarmChange = UpdateQuotaAlarmLocked();
        }

        RaiseQuotaAlarm(alarmChange);
        return deleted;
    }

    private int PruneLocked()
    {
        var acknowledged = AcknowledgedThrough;
        var cutoff = _time.GetUtcNow() - _options.Retention;
        var deleted = 0;
        // The newest segment is never deleted: it is being written, and its name keeps the sequence when it is empty.
        for (var i = 0; i < _segments.Count - 1;)
        {
            var segment = _segments[i];
            // Acknowledgement is a prefix of the sequence, so the first segment with an unsent tap ends the search.
            if (segment.Count > 0 && segment.LastSequence > acknowledged) break;
            var expired = segment.Count == 0 || segment.NewestTime < cutoff;
            if (!expired && !IsOverAlarmLocked())
            {
                i++;
                continue;
            }

            try
            {
                File.Delete(segment.Path);
            }
            catch (IOException)
            {
                // Tried again on the next prune; keeping sent taps a little longer loses nothing.
                break;
            }

            _segments.RemoveAt(i);
            _sizeBytes -= segment.Length;
            deleted++;
        }

        if (deleted > 0)
        {
            TryFlushDirectory();
            JournalLog.Pruned(_logger, deleted);
        }

        return deleted;
    }

    private void TryFlushDirectory()
    {
        try
        {
            Durability.FlushDirectory(_options.Directory);
        }
        catch (IOException)
        {
            // A deletion that does not survive power loss is redone by the next prune.
        }
    }

    private bool IsOverAlarmLocked() =>
        _options.QuotaBytes is { } quota && _sizeBytes >= quota * _options.QuotaAlarmRatio;

    private bool? UpdateQuotaAlarmLocked()
    {
        var alarm = IsOverAlarmLocked();
        if (alarm == _quotaAlarm) return null;
        _quotaAlarm = alarm;
        JournalLog.Quota(_logger, alarm ? "on" : "off", _sizeBytes, _options.QuotaBytes ?? 0);
        return alarm;
    }

    private void RaiseQuotaAlarm(bool? change)
    {
        if (change is not { } alarm) return;
        long used;
        lock (_gate) used = _sizeBytes;
        QuotaAlarmChanged?.Invoke(this, new JournalQuotaEventArgs(alarm, used, _options.QuotaBytes ?? 0));
    }
}
