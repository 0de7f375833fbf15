namespace Validator.Core.Clock;

/// <summary>
/// Judges the wall clock from <see cref="TimeProvider"/>, the sync state and the last trusted time.
/// <see cref="Read"/> is for the tap path and never writes; <see cref="Checkpoint"/> persists the latest trusted time
/// and is called from a background timer and at shutdown, so an SD card is not written on every tap.
/// </summary>
public sealed class ClockTrustMonitor
{
    private readonly TimeProvider _time;
    private readonly IClockSyncSource _sync;
    private readonly ILastTrustedTime _store;
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastTrusted;
    private DateTimeOffset? _lastSaved;

    /// <summary>Creates the monitor and loads the persisted last trusted time.</summary>
    public ClockTrustMonitor(TimeProvider time, IClockSyncSource sync, ILastTrustedTime store)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _sync = sync ?? throw new ArgumentNullException(nameof(sync));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _lastTrusted = _lastSaved = store.Load();
    }

    /// <summary>The clock now and how far to trust it.</summary>
    public ClockReading Read()
    {
        var now = _time.GetUtcNow();
        var monotonic = _time.GetElapsedTime(0, _time.GetTimestamp());
        lock (_gate)
        {
            if (_sync.IsSynchronized)
            {
                if (_lastTrusted is null || now > _lastTrusted) _lastTrusted = now;
                return new ClockReading(now, ClockTrust.Trusted, _lastTrusted, monotonic);
            }
            var trust = _lastTrusted is { } last && now < last ? ClockTrust.BehindLastKnown : ClockTrust.Unsynced;
            return new ClockReading(now, trust, _lastTrusted, monotonic);
        }
    }

    /// <summary>Persists the latest trusted time if it moved since the last save; returns true when it wrote.</summary>
    public bool Checkpoint()
    {
        Read();
        DateTimeOffset toSave;
        lock (_gate)
        {
            if (_lastTrusted is not { } last || last == _lastSaved) return false;
            toSave = last;
        }
        _store.Save(toSave);
        lock (_gate) _lastSaved = toSave;
        return true;
    }
}
