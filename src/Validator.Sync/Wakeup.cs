namespace Validator.Sync;

/// <summary>A wait that ends after a time or as soon as someone signals, whichever is first; signals while nobody waits are kept (once).</summary>
public sealed class Wakeup
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends the current (or next) wait.</summary>
    public void Signal() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Waits up to <paramref name="timeout"/> on <paramref name="time"/>, or until <see cref="Signal"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var current = Volatile.Read(ref _signal);
        if (!current.Task.IsCompleted && timeout > TimeSpan.Zero)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, stop.Token);
            await Task.WhenAny(current.Task, delay).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        // Only a signal that was seen is used up; one arriving after a timeout stays for the next wait.
        if (current.Task.IsCompleted)
            Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
    }
}
