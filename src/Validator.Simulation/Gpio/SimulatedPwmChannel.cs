using System.Device.Pwm;

namespace Validator.Simulation.Gpio;

/// <summary>
/// A PWM channel with no hardware behind it (a passive buzzer on PWM0 in the demo and tests): it records every
/// change of frequency, duty cycle and running state with a timestamp and raises <see cref="Changed"/>.
/// </summary>
public sealed class SimulatedPwmChannel : PwmChannel
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<PwmChange> _changes = [];
    private int _frequency;
    private double _dutyCycle;
    private bool _running;
    private bool _disposed;

    /// <summary>Creates a stopped channel with the given start settings.</summary>
    public SimulatedPwmChannel(int frequency = 400, double dutyCycle = 0.5, TimeProvider? time = null)
    {
        _frequency = frequency;
        _dutyCycle = dutyCycle;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Raised after every change, on the thread that made it.</summary>
    public event EventHandler<PwmChange>? Changed;

    /// <summary>A copy of every change recorded so far, in order.</summary>
    public IReadOnlyList<PwmChange> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
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

    /// <summary>Forgets the recorded changes (settings are kept), e.g. between a warm-up and a measurement.</summary>
    public void ClearChanges()
    {
        lock (_gate)
        {
            _changes.Clear();
        }
    }

    /// <inheritdoc />
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
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Set(value, DutyCycle, IsRunning);
        }
    }

    /// <inheritdoc />
    public override double DutyCycle
    {
        get
        {
            lock (_gate)
            {
                return _dutyCycle;
            }
        }

        set
        {
            // Same contract as UnixPwmChannel: a duty cycle is a fraction of the period.
            if (value is < 0 or > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The duty cycle is between 0 and 1.");
            }

            Set(Frequency, value, IsRunning);
        }
    }

    /// <inheritdoc />
    public override void Start() => Set(Frequency, DutyCycle, running: true);

    /// <inheritdoc />
    public override void Stop() => Set(Frequency, DutyCycle, running: false);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _disposed = true;
        }

        base.Dispose(disposing);
    }

    private void Set(int frequency, double dutyCycle, bool running)
    {
        PwmChange recorded;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (frequency == _frequency && dutyCycle.Equals(_dutyCycle) && running == _running)
            {
                return;
            }

            (_frequency, _dutyCycle, _running) = (frequency, dutyCycle, running);
            recorded = new PwmChange(frequency, dutyCycle, running, _time.GetTimestamp());
            _changes.Add(recorded);
        }

        Changed?.Invoke(this, recorded);
    }
}
