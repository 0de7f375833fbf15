using Microsoft.Extensions.Logging;
using Validator.Pcsc;

namespace Validator.Daemon.Cli;

/// <summary>What pcscd said when asked once: reachable or not (and why), and the readers it lists.</summary>
internal sealed record ReaderProbeResult(bool Reachable, IReadOnlyList<string> Readers, string? Problem);

/// <summary>
/// Asks pcscd for its readers with a short-lived <see cref="ReaderMonitor"/> (its own context, beside the service's).
/// The monitor lists the readers right after it gets a context; a failure shows as its first warning.
/// </summary>
internal static class StatusReaderProbe
{
    public static ReaderProbeResult Probe(TimeSpan timeout)
    {
        var readers = new List<string>();
        var outcome = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var available = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var monitor = new ReaderMonitor(new FirstProblem(outcome));
        monitor.ServiceStateChanged += (_, e) =>
        {
            if (e.Available) available.TrySetResult();
            else outcome.TrySetResult(e.Reason ?? "pcscd lost");
        };
        monitor.ReaderAttached += (_, e) =>
        {
            lock (readers) readers.Add(e.ReaderName);
        };
        monitor.Start();
        // The monitor thread raises ServiceStateChanged(available) and then lists the readers; Stop waits for that
        // thread, so after it the attached readers are complete.
        var first = Task.WaitAny([available.Task, outcome.Task], timeout);
        monitor.Stop();
        if (first == 0)
        {
            lock (readers) return new ReaderProbeResult(true, [.. readers], null);
        }
        var problem = first == 1 ? outcome.Task.Result : $"no answer from pcscd within {timeout.TotalSeconds:F0} s";
        return new ReaderProbeResult(false, [], problem);
    }

    /// <summary>Turns the monitor's first warning (it logs every failed connect) into the probe's answer.</summary>
    private sealed class FirstProblem(TaskCompletionSource<string?> outcome) : ILogger<ReaderMonitor>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) outcome.TrySetResult(formatter(state, exception));
        }
    }
}
