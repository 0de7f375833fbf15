using System.Collections.Concurrent;
using System.Device.Gpio;

namespace Validator.Simulation.Gpio;

/// <summary>
/// A GPIO driver with no hardware behind it: it keeps every pin's mode and level in memory, records each level
/// change with a timestamp and raises <see cref="PinChanged"/>, so tests and the demo can see what the LEDs do. It keeps
/// the latest <see cref="HistoryLimit"/> changes; <see cref="PinChange.Sequence"/> keeps counting, so a gap shows a drop.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly HashSet<int> _unavailable;
    private readonly Dictionary<int, PinMode> _open = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly ChangeHistory<PinChange> _changes = new();
    private readonly ConcurrentDictionary<int, PinChangeEventHandler> _callbacks = new();
    private long _sequence;

    /// <summary>Creates a driver with <paramref name="pinCount"/> pins, all low; <paramref name="unavailablePins"/> fail to open as if another process held them.</summary>
    public SimulatedGpioDriver(int pinCount = 28, TimeProvider? time = null, IEnumerable<int>? unavailablePins = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pinCount);
        PinCountValue = pinCount;
        _time = time ?? TimeProvider.System;
        _unavailable = [.. unavailablePins ?? []];
    }

    /// <summary>Raised after a pin's level changed, on the thread that wrote it.</summary>
    public event EventHandler<PinChange>? PinChanged;

    /// <summary>When set, every write throws it, as a driver does when the chip goes away (e.g. an unplugged GPIO expander).</summary>
    public Exception? WriteFault { get; set; }

    /// <summary>The time provider whose timestamps are recorded.</summary>
    public TimeProvider Time => _time;

    /// <summary>How many of the latest changes <see cref="Changes"/> keeps (default 10,000); older ones are dropped.</summary>
    public int HistoryLimit
    {
        get { lock (_gate) return _changes.Limit; }
        set { lock (_gate) _changes.Limit = value; }
    }

    /// <summary>A copy of the latest level changes recorded (at most <see cref="HistoryLimit"/>), in order.</summary>
    public IReadOnlyList<PinChange> Changes
    {
        get
        {
            lock (_gate)
            {
                return _changes.Copy();
            }
        }
    }

    /// <summary>The pins that are open now.</summary>
    public IReadOnlyCollection<int> OpenPins
    {
        get
        {
            lock (_gate)
            {
                return [.. _open.Keys];
            }
        }
    }

    private int PinCountValue { get; }

    /// <inheritdoc />
    protected override int PinCount => PinCountValue;

    /// <summary>The level a pin holds now; pins never written are low.</summary>
    public PinValue LevelOf(int pinNumber)
    {
        lock (_gate)
        {
            return _levels.GetValueOrDefault(pinNumber, PinValue.Low);
        }
    }

    /// <summary>Forgets the recorded changes (levels are kept), e.g. between a warm-up and a measurement.</summary>
    public void ClearChanges()
    {
        lock (_gate)
        {
            _changes.Clear();
        }
    }

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        CheckRange(pinNumber);
        if (_unavailable.Contains(pinNumber))
        {
            // The message mirrors what libgpiod reports when a line is requested by another consumer.
            throw new IOException($"Pin {pinNumber} is busy (requested by another process).");
        }

        lock (_gate)
        {
            _open.TryAdd(pinNumber, PinMode.Input);
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _open.Remove(pinNumber);
        }

        _callbacks.TryRemove(pinNumber, out _);
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            EnsureOpen(pinNumber);
            _open[pinNumber] = mode;
        }
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            EnsureOpen(pinNumber);
            return _open[pinNumber];
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber) => LevelOf(pinNumber);

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        PinChange change;
        lock (_gate)
        {
            EnsureOpen(pinNumber);
            if (WriteFault is { } fault)
            {
                throw fault;
            }

            if (_levels.GetValueOrDefault(pinNumber, PinValue.Low) == value)
            {
                return;
            }

            _levels[pinNumber] = value;
            change = new PinChange(pinNumber, value, _time.GetTimestamp(), _sequence++);
            _changes.Add(change);
        }

        PinChanged?.Invoke(this, change);
        if (_callbacks.TryGetValue(pinNumber, out var callback))
        {
            var type = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            callback(this, new PinValueChangedEventArgs(type, pinNumber));
        }
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        // Nothing outside drives a simulated pin, so the wait ends only when the caller gives up.
        cancellationToken.WaitHandle.WaitOne();
        return new WaitForEventResult { TimedOut = true, EventTypes = PinEventTypes.None };
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks[pinNumber] = _callbacks.TryGetValue(pinNumber, out var existing) ? existing + callback : callback;
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            if (_callbacks.TryGetValue(pinNumber, out var existing) && (existing - callback) is { } remaining)
            {
                _callbacks[pinNumber] = remaining;
            }
            else
            {
                _callbacks.TryRemove(pinNumber, out _);
            }
        }
    }

    private void CheckRange(int pinNumber)
    {
        if (pinNumber < 0 || pinNumber >= PinCountValue)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, $"The simulated chip has pins 0 to {PinCountValue - 1}.");
        }
    }

    private void EnsureOpen(int pinNumber)
    {
        if (!_open.ContainsKey(pinNumber))
        {
            throw new InvalidOperationException($"Pin {pinNumber} is not open.");
        }
    }
}
