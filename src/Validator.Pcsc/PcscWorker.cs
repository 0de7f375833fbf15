using System.Collections.Concurrent;
using Validator.Pcsc.Interop;

namespace Validator.Pcsc;

/// <summary>
/// A thread that owns one PC/SC context and runs card calls on it. pcsc-lite blocks in SCardTransmit until
/// the reader answers (a silent card blocks it indefinitely) and nothing can interrupt it from outside, so callers
/// wait with a timeout and, on expiry, abandon the worker: it is marked stuck, ends when the blocked call returns
/// and releases its context then.
/// </summary>
internal sealed class PcscWorker : IDisposable
{
    private readonly IPcscApi _api;
    private readonly BlockingCollection<WorkItem> _queue = new();
    private readonly Thread _thread;
    private readonly Func<PcscCall, SCardError> _runner;
    private nint _context;
    private volatile bool _stuck;
    private WorkItem? _idle;

    public PcscWorker(IPcscApi api, string name)
    {
        _api = api;
        _runner = EnsureContext; // one delegate for the worker's life, not one per call
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>True once a call overran its timeout; the worker takes no more work.</summary>
    public bool IsStuck => _stuck;

    /// <summary>Runs <paramref name="work"/> with this worker's context; false when it did not finish in time.</summary>
    public bool TryRun(Func<nint, SCardError> work, TimeSpan timeout, out SCardError result) =>
        TryRun(new DelegateCall(work), timeout, out result);

    /// <summary>
    /// Runs <paramref name="call"/> with this worker's context; false when it did not finish in time. A call that
    /// finished in time leaves its work item to the next call, so a card's APDUs allocate nothing here.
    /// </summary>
    public bool TryRun(PcscCall call, TimeSpan timeout, out SCardError result)
    {
        result = SCardError.SCARD_E_TIMEOUT;
        if (_stuck) return false;
        var item = Interlocked.Exchange(ref _idle, null) ?? new WorkItem();
        item.Prepare(call);
        try
        {
            if (!_queue.TryAdd(item)) return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The worker was retired (stuck or disposed) by another thread meanwhile.
            return false;
        }
        // Waited in steps against a monotonic stopwatch: a timed wait that returns early (a wall clock set meanwhile, a
        // preloaded time library) must not give up on a card that is still within its time.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!item.Done.IsSet)
        {
            var left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || item.Done.Wait(left)) break;
        }
        if (!item.Done.IsSet)
        {
            _stuck = true;
            CompleteAdding();
            item.Abandon();
            return false;
        }
        result = item.Result;
        // The item is set: the worker has written the result and reads nothing of the item again (it may still be
        // finishing the event's Set, which a Reset for the next call may overlap safely). The next call takes it.
        item.Clear();
        Volatile.Write(ref _idle, item);
        return true;
    }

    private void Run()
    {
        try
        {
            foreach (var item in _queue.GetConsumingEnumerable())
            {
                item.Execute(_runner);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // Retired while blocked in a native call: nothing is waiting for this thread any more.
        }
        finally
        {
            if (_context != 0) _api.ReleaseContext(_context);
        }
    }

    private void CompleteAdding()
    {
        try
        {
            _queue.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
            // Already retired.
        }
    }

    private SCardError EnsureContext(PcscCall call)
    {
        if (_context == 0)
        {
            var rv = _api.EstablishContext(out _context);
            if (rv != SCardError.SCARD_S_SUCCESS)
            {
                _context = 0;
                return rv;
            }
        }
        var result = call.Run(_context);
        if (SCardErrors.MeansServiceLost(result))
        {
            // After a pcscd restart the old context looks valid but every call fails: start afresh next time.
            _api.ReleaseContext(_context);
            _context = 0;
        }
        return result;
    }

    /// <summary>
    /// Retires the worker. A stuck worker's thread is still inside a native call: its queue is left to the garbage
    /// collector rather than disposed under it, and nothing waits for it.
    /// </summary>
    public void Dispose()
    {
        CompleteAdding();
        if (_stuck) return;
        if (!_thread.Join(TimeSpan.FromSeconds(5)))
        {
            _stuck = true; // a call raced the shutdown on a silent card; let it end on its own
            return;
        }
        _queue.Dispose();
    }

    /// <summary>
    /// One call handed to the worker, used again for the next call once this one finished in time. Its event is never
    /// disposed: an abandoned item may still be signalled late, and an abandoned item is never used again.
    /// </summary>
    private sealed class WorkItem
    {
        private PcscCall? _call;
        private int _state; // 0 pending, 1 done, 2 abandoned

        public ManualResetEventSlim Done { get; } = new(false);

        public SCardError Result { get; private set; }

        public void Prepare(PcscCall call)
        {
            _call = call;
            Result = SCardError.SCARD_E_TIMEOUT;
            Volatile.Write(ref _state, 0);
            Done.Reset();
        }

        /// <summary>Lets go of the finished call (and what it holds) while the item waits for the next.</summary>
        public void Clear() => _call = null;

        public void Execute(Func<PcscCall, SCardError> runner)
        {
            if (Volatile.Read(ref _state) != 0 || _call is not { } call) return;
            try
            {
                Result = runner(call);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Marshalling failures must not take the worker thread (and the process) down.
                Result = SCardError.SCARD_F_UNKNOWN_ERROR;
            }
            if (Interlocked.CompareExchange(ref _state, 1, 0) == 0) Done.Set();
        }

        public void Abandon() => Interlocked.CompareExchange(ref _state, 2, 0);
    }

    private sealed class DelegateCall(Func<nint, SCardError> work) : PcscCall
    {
        public override SCardError Run(nint context) => work(context);
    }
}

/// <summary>
/// A call a <see cref="PcscWorker"/> runs with its context. A caller that makes the same call over and over (a card's
/// APDUs) keeps one and fills in its fields before each run, instead of a new closure per call.
/// </summary>
internal abstract class PcscCall
{
    /// <summary>Runs on the worker's thread with its context.</summary>
    public abstract SCardError Run(nint context);
}
