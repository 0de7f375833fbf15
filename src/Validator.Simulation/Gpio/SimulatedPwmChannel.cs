using System.Device.Pwm;

namespace Validator.Simulation.Gpio;

/// <summary>
/// A PWM channel with no hardware behind it (a passive buzzer on PWM0 in the demo and tests). It behaves like
/// <c>UnixPwmChannel</c> over Linux sysfs PWM: the period and the duty cycle are separate values in nanoseconds, so a
/// new frequency keeps the old duty time (the ratio changes), and a period shorter than the duty time is refused
/// with EINVAL. It records each change of what the output does with a timestamp (the latest <see cref="HistoryLimit"/>)
/// and raises <see cref="Changed"/>.
/// </summary>
public sealed class SimulatedPwmChannel : PwmChannel
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ChangeHistory<PwmChange> _changes = new();
    private int _frequency;
    private double _requestedDutyCycle;
    private long _periodNs;
    private long _dutyNs;
    private bool _running;
    private bool _disposed;

    /// <summary>Creates a stopped channel with the given start settings, as <c>PwmChannel.Create</c> does.</summary>
    public SimulatedPwmChannel(int frequency = 400, double dutyCycle = 0.5, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Frequency = frequency;
        DutyCycle = dutyCycle;
        _changes.Clear();
    }

    /// <summary>Raised after every change, on the thread that made it.</summary>
    public event EventHandler<PwmChange>? Changed;

    /// <summary>How many of the latest changes <see cref="Changes"/> keeps (default 10,000); older ones are dropped.</summary>
    public int HistoryLimit
    {
        get { lock (_gate) return _changes.Limit; }
        set { lock (_gate) _changes.Limit = value; }
    }

    /// <summary>A copy of the latest changes recorded (at most <see cref="HistoryLimit"/>), in order.</summary>
    public IReadOnlyList<PwmChange> Changes
    {
        get
        {
            lock (_gate)
            {
                return _changes.Copy();
            }
        }
    }

    /// <summary>Whether the channel is producing its signal now (the buzzer sounds).</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>The duty cycle the output really has: duty time over period, which drifts from the requested one when only the frequency changes.</summary>
    public double EffectiveDutyCycle
    {
        get
        {
            lock (_gate)
            {
                return Effective();
            }
        }
    }

    /// <summary>Whether the channel was disposed.</summary>
    public bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    /// <summary>The last frequency set, in Hz.</summary>
    public override int Frequency
    {
        get
        {
            lock (_gate)
            {
                return _frequency;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            PwmChange? change;
            lock (_gate)
            {
                var before = Snapshot();
                var periodNs = 1_000_000_000L / value;
                if (_dutyNs > periodNs)
                {
                    // The kernel's pwm_apply_state refuses duty_cycle > period; sysfs reports it as EINVAL on the write.
                    throw new IOException($"Invalid argument: period {periodNs} ns is shorter than duty_cycle {_dutyNs} ns.");
                }

                _frequency = value;
                _periodNs = periodNs;
                change = RecordIfChanged(before);
            }

            Raise(change);
        }
    }

    /// <summary>The last duty cycle requested, 0 to 1 (like <c>UnixPwmChannel</c>, not recomputed when the frequency changes).</summary>
    public override double DutyCycle
    {
        get
        {
            lock (_gate)
            {
                return _requestedDutyCycle;
            }
        }

        set
        {
            if (value is < 0 or > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The duty cycle is between 0 and 1.");
            }

            PwmChange? change;
            lock (_gate)
            {
                var before = Snapshot();
                _requestedDutyCycle = value;
                _dutyNs = (long)(_periodNs * value);
                change = RecordIfChanged(before);
            }

            Raise(change);
        }
    }

    /// <summary>Forgets the recorded changes (settings are kept), e.g. between a warm-up and a measurement.</summary>
    public void ClearChanges()
    {
        lock (_gate)
        {
            _changes.Clear();
        }
    }

    /// <inheritdoc />
    public override void Start() => SetRunning(true);

    /// <inheritdoc />
    public override void Stop() => SetRunning(false);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            // UnixPwmChannel stops the channel before unexporting it.
            _disposed = true;
            _running = false;
        }

        base.Dispose(disposing);
    }

    private double Effective() => _periodNs == 0 ? 0 : _dutyNs / (double)_periodNs;

    private void SetRunning(bool running)
    {
        PwmChange? change;
        lock (_gate)
        {
            var before = Snapshot();
            _running = running;
            change = RecordIfChanged(before);
        }

        Raise(change);
    }

    /// <summary>The output as the buzzer sees it; the caller holds the lock. A disposed channel takes no more changes.</summary>
    private (int Frequency, double DutyCycle, bool Running) Snapshot()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (_frequency, Effective(), _running);
    }

    /// <summary>Records the change from <paramref name="before"/>, if the output changed; the caller holds the lock.</summary>
    private PwmChange? RecordIfChanged((int Frequency, double DutyCycle, bool Running) before)
    {
        if (before == (_frequency, Effective(), _running))
        {
            return null;
        }

        var change = new PwmChange(_frequency, Effective(), _running, _time.GetTimestamp());
        _changes.Add(change);
        return change;
    }

    private void Raise(PwmChange? change)
    {
        if (change is { } happened)
        {
            Changed?.Invoke(this, happened);
        }
    }
}
