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
    private readonly Func<Func<nint, SCardError>, SCardError> _runner;
    private nint _context;
    private volatile bool _stuck;

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
    public bool TryRun(Func<nint, SCardError> work, TimeSpan timeout, out SCardError result)
    {
        result = SCardError.SCARD_E_TIMEOUT;
        if (_stuck) return false;
        var item = new WorkItem(work);
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

    private SCardError EnsureContext(Func<nint, SCardError> work)
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
        var result = work(_context);
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

    /// <summary>One call handed to the worker. Its event is never disposed: an abandoned item may still be signalled late.</summary>
    private sealed class WorkItem
    {
        private readonly Func<nint, SCardError> _work;
        private int _state; // 0 pending, 1 done, 2 abandoned

        public WorkItem(Func<nint, SCardError> work) => _work = work;

        public ManualResetEventSlim Done { get; } = new(false);

        public SCardError Result { get; private set; }

        public void Execute(Func<Func<nint, SCardError>, SCardError> runner)
        {
            if (Volatile.Read(ref _state) != 0) return;
            try
            {
                Result = runner(_work);
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
}
