using Validator.Testing;
using Validator.Pcsc.Interop;

namespace Validator.Pcsc.Tests;

/// <summary>
/// A PC/SC service in memory with pcsc-lite's semantics for the calls the monitor makes: readers can be
/// plugged and unplugged at will (which pcscd's serial vpcd driver cannot do), the service can die and come back
/// (every old context then fails with SCARD_E_NO_SERVICE), and GetStatusChange blocks until a state differs.
/// </summary>
internal sealed class ScriptedPcscService : IPcscApi
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (bool Present, byte[] Atr, int Counter)> _readers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unavailable = new(StringComparer.Ordinal);
    private readonly HashSet<nint> _contexts = [];
    private readonly HashSet<nint> _cancelled = [];
    private nint _nextContext = 1;
    private int _pnpCounter;
    private bool _running = true;

    public int StatusCalls { get; private set; }

    public int EstablishAttempts { get; private set; }

    public void Plug(string reader)
    {
        lock (_gate)
        {
            _readers[reader] = (false, [], 0);
            _pnpCounter++;
            Monitor.PulseAll(_gate);
        }
    }

    public void Unplug(string reader)
    {
        lock (_gate)
        {
            _readers.Remove(reader);
            _pnpCounter++;
            Monitor.PulseAll(_gate);
        }
    }

    public void Tap(string reader, byte[] atr) => SetCard(reader, true, atr);

    public void Lift(string reader) => SetCard(reader, false, []);

    /// <summary>Takes the card off and puts another on in one step, as a fast swap between two waits would look.</summary>
    public void Swap(string reader, byte[] atr)
    {
        lock (_gate)
        {
            var old = _readers[reader];
            _readers[reader] = (true, atr, old.Counter + 2);
            Monitor.PulseAll(_gate);
        }
    }

    private void SetCard(string reader, bool present, byte[] atr)
    {
        lock (_gate)
        {
            var old = _readers[reader];
            _readers[reader] = (present, atr, old.Counter + 1);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The reader stops answering (a hung firmware): pcsc-lite reports SCARD_STATE_UNAVAILABLE for it.</summary>
    public void Hang(string reader)
    {
        lock (_gate)
        {
            _unavailable.Add(reader);
            Monitor.PulseAll(_gate);
        }
    }

    public void Die()
    {
        lock (_gate)
        {
            _running = false;
            _contexts.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    public void Revive()
    {
        lock (_gate)
        {
            _running = true;
            Monitor.PulseAll(_gate);
        }
    }

    public SCardError EstablishContext(out nint context)
    {
        lock (_gate)
        {
            EstablishAttempts++;
            context = 0;
            if (!_running) return SCardError.SCARD_E_NO_SERVICE;
            context = _nextContext++;
            _contexts.Add(context);
            return SCardError.SCARD_S_SUCCESS;
        }
    }

    public SCardError ReleaseContext(nint context)
    {
        lock (_gate)
        {
            _contexts.Remove(context);
            return SCardError.SCARD_S_SUCCESS;
        }
    }

    public SCardError IsValidContext(nint context)
    {
        lock (_gate) return _contexts.Contains(context) ? SCardError.SCARD_S_SUCCESS : SCardError.SCARD_E_INVALID_HANDLE;
    }

    public SCardError ListReaders(nint context, out IReadOnlyList<string> readers)
    {
        lock (_gate)
        {
            readers = [];
            if (!_contexts.Contains(context)) return SCardError.SCARD_E_NO_SERVICE;
            readers = [.. _readers.Keys];
            return SCardError.SCARD_S_SUCCESS;
        }
    }

    public SCardError GetStatusChange(nint context, TimeSpan? timeout, ReaderStateEntry[] states)
    {
        lock (_gate)
        {
            StatusCalls++;
            var deadline = timeout is null ? DateTime.MaxValue : DateTime.UtcNow + timeout.Value;
            while (true)
            {
                if (!_contexts.Contains(context)) return SCardError.SCARD_E_NO_SERVICE;
                if (_cancelled.Remove(context)) return SCardError.SCARD_E_CANCELLED;
                var changed = false;
                foreach (var state in states)
                {
                    var now = Current(state.Name, out var atr);
                    state.EventState = now;
                    state.Atr = atr;
                    if (now != state.CurrentState)
                    {
                        state.EventState |= (uint)ReaderState.Changed;
                        changed = true;
                    }
                }
                if (changed) return SCardError.SCARD_S_SUCCESS;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return SCardError.SCARD_E_TIMEOUT;
                Monitor.Wait(_gate, left > TimeSpan.FromDays(1) ? Timeout.InfiniteTimeSpan : left);
            }
        }
    }

    private uint Current(string name, out byte[] atr)
    {
        atr = [];
        if (name == PcscConstants.PnpNotification) return (uint)(_readers.Count << 16);
        if (!_readers.TryGetValue(name, out var reader)) return (uint)ReaderState.Unknown;
        if (_unavailable.Contains(name)) return (uint)(reader.Counter << 16) | (uint)ReaderState.Unavailable;
        atr = reader.Atr;
        return (uint)(reader.Counter << 16) | (uint)(reader.Present ? ReaderState.Present : ReaderState.Empty);
    }

    public SCardError Cancel(nint context)
    {
        lock (_gate)
        {
            _cancelled.Add(context);
            Monitor.PulseAll(_gate);
            return SCardError.SCARD_S_SUCCESS;
        }
    }

    public SCardError Connect(nint context, string reader, out nint card, out uint protocol) =>
        throw new NotSupportedException("card calls are tested through real pcscd");

    public SCardError Transmit(nint card, uint protocol, ReadOnlySpan<byte> command, Span<byte> response, out int received) =>
        throw new NotSupportedException("card calls are tested through real pcscd");

    public SCardError Disconnect(nint card, uint disposition) => SCardError.SCARD_S_SUCCESS;

    public SCardError GetAttribute(nint card, uint attribute, out byte[] value) =>
        throw new NotSupportedException("card calls are tested through real pcscd");
}
