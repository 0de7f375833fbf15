using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Validator.Pcsc.Interop;

namespace Validator.Pcsc;

/// <summary>
/// Watches every PC/SC reader for cards arriving and leaving, and the reader list itself, on a thread of its own
/// with a context of its own (pcsc-lite contexts are not shared between threads). It outlives pcscd restarts:
/// a lost service is re-established with backoff, and a failure is logged, never fatal.
/// Events are raised on the monitor thread; handlers must return quickly.
/// </summary>
public sealed class ReaderMonitor : IDisposable
{
    private readonly IPcscApi _api;
    private readonly ILogger _logger;
    private readonly ReaderMonitorOptions _options;
    private readonly ManualResetEventSlim _stopSignal = new(false);
    private readonly Dictionary<string, uint> _known = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Thread? _thread;
    private volatile bool _stopping;
    private nint _context;
    private bool _serviceAvailable;
    private uint _pnpState;
    private string[] _readers = [];

    /// <summary>Creates a monitor on the machine's pcscd.</summary>
    public ReaderMonitor(ILogger<ReaderMonitor>? logger = null, ReaderMonitorOptions? options = null)
        : this(LinuxPcscApi.Instance, logger ?? (ILogger)NullLogger.Instance, options ?? new ReaderMonitorOptions())
    {
    }

    internal ReaderMonitor(IPcscApi api, ILogger logger, ReaderMonitorOptions options)
    {
        _api = api;
        _logger = logger;
        _options = options;
    }

    /// <summary>A reader was plugged in (or found at start).</summary>
    public event EventHandler<ReaderEventArgs>? ReaderAttached;

    /// <summary>A reader was unplugged, or became unreachable with pcscd.</summary>
    public event EventHandler<ReaderEventArgs>? ReaderDetached;

    /// <summary>A card arrived on a reader.</summary>
    public event EventHandler<CardEventArgs>? CardInserted;

    /// <summary>A card left a reader.</summary>
    public event EventHandler<CardEventArgs>? CardRemoved;

    /// <summary>pcscd became reachable or was lost.</summary>
    public event EventHandler<ServiceStateEventArgs>? ServiceStateChanged;

    /// <summary>The readers known now.</summary>
    public IReadOnlyList<string> Readers
    {
        get { lock (_gate) return _readers; }
    }

    /// <summary>True while the monitor holds a working PC/SC context.</summary>
    public bool ServiceAvailable => Volatile.Read(ref _serviceAvailable);

    /// <summary>How many times the monitor had to (re-)establish its context; 1 after a clean start.</summary>
    public int ContextsEstablished { get; private set; }

    /// <summary>Starts watching on a background thread.</summary>
    public void Start()
    {
        if (_thread is not null) throw new InvalidOperationException("The monitor is already started.");
        _thread = new Thread(Run) { IsBackground = true, Name = "pcsc-monitor" };
        _thread.Start();
    }

    /// <summary>Stops watching and waits for the monitor thread to end.</summary>
    public void Stop()
    {
        if (_thread is null) return;
        _stopping = true;
        _stopSignal.Set();
        if (Thread.CurrentThread == _thread) return; // called from an event handler: the loop ends after it returns
        // SCardCancel is the one call pcsc-lite allows from another thread; repeat it in case the thread
        // was between two waits when the first one landed.
        while (!_thread.Join(TimeSpan.FromMilliseconds(50)))
        {
            var context = Volatile.Read(ref _context);
            if (context != 0) _api.Cancel(context);
        }
        _thread = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _stopSignal.Dispose();
    }

    private void Run()
    {
        var backoff = _options.InitialBackoff;
        var outageSince = (long?)null;
        var lastOutageLog = 0L;
        while (!_stopping)
        {
            try
            {
                var error = _context == 0 ? Connect() : Watch();
                if (error is null)
                {
                    backoff = _options.InitialBackoff;
                    if (outageSince is not null)
                    {
                        var outage = Math.Round(Stopwatch.GetElapsedTime(outageSince.Value).TotalSeconds, 1);
                        PcscLog.ServiceBack(_logger, outage);
                        outageSince = null;
                    }
                    continue;
                }

                if (outageSince is null || Stopwatch.GetElapsedTime(lastOutageLog) >= _options.OutageLogInterval)
                {
                    PcscLog.MonitorRetrying(_logger, error, (int)_options.MaxBackoff.TotalMilliseconds);
                    lastOutageLog = Stopwatch.GetTimestamp();
                }
                outageSince ??= Stopwatch.GetTimestamp();
                _stopSignal.Wait(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The monitor must never die: a bug here would leave the bus without a reader until a restart.
                // Logged like any outage (once, then every OutageLogInterval) so a lasting fault cannot fill the disk.
                if (outageSince is null || Stopwatch.GetElapsedTime(lastOutageLog) >= _options.OutageLogInterval)
                {
                    if (ex is DllNotFoundException) PcscLog.LibraryMissing(_logger);
                    else PcscLog.MonitorFailed(_logger, ex);
                    lastOutageLog = Stopwatch.GetTimestamp();
                }
                outageSince ??= Stopwatch.GetTimestamp();
                DropContext(ex is DllNotFoundException ? "libpcsclite.so.1 not found" : "monitor error");
                _stopSignal.Wait(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
        DropContext(null);
    }

    /// <summary>Establishes the context; returns an error text, or null on success.</summary>
    private string? Connect()
    {
        var rv = _api.EstablishContext(out var context);
        if (rv != SCardError.SCARD_S_SUCCESS)
        {
            SetService(false, SCardErrors.Name(rv));
            return $"SCardEstablishContext: {SCardErrors.Name(rv)}";
        }
        Volatile.Write(ref _context, context);
        _pnpState = 0;
        ContextsEstablished++;
        SetService(true, null);
        return RefreshReaders();
    }

    /// <summary>Waits for one round of changes and raises events; returns an error text, or null.</summary>
    private string? Watch()
    {
        string[] readers;
        lock (_gate) readers = _readers;
        var states = new ReaderStateEntry[readers.Length + 1];
        states[0] = new ReaderStateEntry(PcscConstants.PnpNotification, _pnpState);
        for (var i = 0; i < readers.Length; i++)
        {
            states[i + 1] = new ReaderStateEntry(readers[i], _known.GetValueOrDefault(readers[i]));
        }

        var rv = _api.GetStatusChange(_context, _options.ReaderListRefresh, states);
        if (_stopping) return null;
        switch (rv)
        {
            case SCardError.SCARD_S_SUCCESS:
                break;
            case SCardError.SCARD_E_TIMEOUT:
                // pcsc-lite 1.9.9 signals a new reader only if it arrives during a wait (LudovicRousseau/PCSC#190),
                // so a reader plugged between the list and the wait shows up at the next refresh instead.
                return RefreshReaders();
            case SCardError.SCARD_E_CANCELLED:
                return null;
            case SCardError.SCARD_E_UNKNOWN_READER:
            case SCardError.SCARD_E_READER_UNAVAILABLE:
                // A reader went away between the list and the wait.
                return RefreshReaders();
            default:
                if (SCardErrors.MeansServiceLost(rv)) DropContext(SCardErrors.Name(rv));
                return $"SCardGetStatusChange: {SCardErrors.Name(rv)}";
        }

        var pnp = states[0];
        var readersChanged = (pnp.EventState & (uint)ReaderState.Changed) != 0 && pnp.EventState != _pnpState;
        _pnpState = pnp.EventState & ~(uint)ReaderState.Changed;

        var changes = 0;
        for (var i = 1; i < states.Length; i++)
        {
            var state = states[i];
            if ((state.EventFlags & ReaderState.Unknown) != 0)
            {
                readersChanged = true;
                continue;
            }
            // Unavailable (a reader whose firmware hangs) is a state like any other: remembered, so the next wait
            // blocks until it changes again instead of returning at once in a tight loop.
            if ((state.EventFlags & ReaderState.Changed) == 0) continue;
            Apply(state);
            changes++;
        }

        if (readersChanged) return RefreshReaders();
        if (changes == 0)
        {
            // A wait that returned with nothing new must not be repeated at once: a safety net against a spin on
            // states this loop does not know.
            _stopSignal.Wait(_options.InitialBackoff);
        }
        return null;
    }

    /// <summary>Turns one reader's old and new state into card events.</summary>
    private void Apply(ReaderStateEntry state)
    {
        var previous = _known.GetValueOrDefault(state.Name);
        var now = state.EventState & ~(uint)ReaderState.Changed;
        _known[state.Name] = now;

        var wasPresent = (previous & (uint)ReaderState.Present) != 0;
        var isPresent = (now & (uint)ReaderState.Present) != 0;
        var isMute = (now & (uint)ReaderState.Mute) != 0;
        var timestamp = Stopwatch.GetTimestamp();

        // The upper 16 bits count insertions and removals; a jump of two or more while a card is present
        // both times means the card was swapped between two waits.
        var counterJump = previous != 0 && ((now >> 16) - (previous >> 16)) >= 2;
        if (wasPresent && (!isPresent || counterJump))
        {
            Raise(CardRemoved, new CardEventArgs(state.Name, [], false, timestamp));
        }
        if (isPresent && (!wasPresent || counterJump))
        {
            Raise(CardInserted, new CardEventArgs(state.Name, state.Atr, isMute, timestamp) { PresentWhenFirstSeen = previous == 0 });
        }
    }

    /// <summary>Lists readers and raises attach/detach events for the difference.</summary>
    private string? RefreshReaders()
    {
        var rv = _api.ListReaders(_context, out var listed);
        if (rv != SCardError.SCARD_S_SUCCESS)
        {
            if (SCardErrors.MeansServiceLost(rv)) DropContext(SCardErrors.Name(rv));
            return $"SCardListReaders: {SCardErrors.Name(rv)}";
        }

        string[] before;
        lock (_gate)
        {
            before = _readers;
            _readers = [.. listed];
        }
        foreach (var gone in before.Except(listed, StringComparer.Ordinal))
        {
            Forget(gone);
        }
        foreach (var added in listed.Except(before, StringComparer.Ordinal))
        {
            _known[added] = 0;
            PcscLog.ReaderAttached(_logger, added);
            Raise(ReaderAttached, new ReaderEventArgs(added));
        }
        return null;
    }

    private void Forget(string reader)
    {
        if (_known.Remove(reader, out var state) && (state & (uint)ReaderState.Present) != 0)
        {
            Raise(CardRemoved, new CardEventArgs(reader, [], false, Stopwatch.GetTimestamp()));
        }
        PcscLog.ReaderDetached(_logger, reader);
        Raise(ReaderDetached, new ReaderEventArgs(reader));
    }

    private void DropContext(string? reason)
    {
        var context = Interlocked.Exchange(ref _context, 0);
        if (context != 0) _api.ReleaseContext(context);
        if (reason is not null) SetService(false, reason);
        string[] before;
        lock (_gate)
        {
            before = _readers;
            _readers = [];
        }
        foreach (var reader in before) Forget(reader);
    }

    private void SetService(bool available, string? reason)
    {
        if (_serviceAvailable == available) return;
        Volatile.Write(ref _serviceAvailable, available);
        if (available) PcscLog.ServiceAvailable(_logger);
        Raise(ServiceStateChanged, new ServiceStateEventArgs(available, reason));
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        if (handler is null) return;
        try
        {
            handler(this, args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            PcscLog.HandlerFailed(_logger, ex);
        }
    }
}
