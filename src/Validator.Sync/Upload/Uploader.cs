using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Validator.Core.Sync;
using Validator.Core.Taps;
using Validator.Storage.Journal;
using Validator.Sync.Upstream;

namespace Validator.Sync.Upload;

/// <summary>
/// Sends the journal to the back office in order, in batches, and moves the journal's cursor only on the server's
/// receipt, so a tap is never lost and (the server being idempotent by tap id) never stored twice. Between drains
/// after a failure it waits its own persisted backoff (doubling to a cap), not an endless retry.
/// </summary>
public sealed class Uploader : IDisposable
{
    private readonly TapJournal _journal;
    private readonly UpstreamClient _client;
    private readonly SyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly UploaderStateFile _stateFile;
    private readonly SetAsideStore _setAside;
    private readonly SemaphoreSlim _oneDrain = new(1, 1);
    private UploaderState _state;

    /// <summary>An uploader of <paramref name="journal"/> through <paramref name="client"/>; state lives in <see cref="SyncOptions.StateDirectory"/>.</summary>
    public Uploader(TapJournal journal, UpstreamClient client, SyncOptions options, TimeProvider? time = null, ILogger<Uploader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _journal = journal;
        _client = client;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _stateFile = new UploaderStateFile(options.StateDirectory);
        _setAside = new SetAsideStore(options.StateDirectory, _time);
        _state = _stateFile.Load();
    }

    /// <summary>The backoff state (as persisted).</summary>
    public UploaderState State => Volatile.Read(ref _state);

    /// <summary>Raised after every drain that tried to send, with what it did.</summary>
    public event EventHandler<UploadReport>? Drained;

    /// <summary>Round trips of recent batch uploads, for the heartbeat.</summary>
    public LatencyWindow UploadLatency { get; } = new();

    /// <summary>Batches the back office refused, as set aside on this device.</summary>
    public IReadOnlyList<SetAsideBatch> SetAsideBatches() => _setAside.ReadAll();

    /// <summary>
    /// Sends what was unsent when it started, batch by batch, unless the backoff has not run out. Returns after the
    /// queue is empty or the first failure (which sets the next backoff).
    /// </summary>
    public async Task<UploadReport> DrainAsync(CancellationToken cancellationToken = default)
    {
        await _oneDrain.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var report = await DrainLockedAsync(cancellationToken).ConfigureAwait(false);
            if (report.Outcome != UploadOutcome.BackingOff) Drained?.Invoke(this, report);
            return report;
        }
        finally
        {
            _oneDrain.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _oneDrain.Dispose();

    private async Task<UploadReport> DrainLockedAsync(CancellationToken cancellationToken)
    {
        var state = State;
        var now = _time.GetUtcNow();
        // The backoff is kept in wall time (it survives a restart). One further away than any backoff ever set means the
        // clock was set back since (NTP correcting a clock that ran ahead): try now rather than wait out the jump.
        if (state.NextAttemptAt > now && state.NextAttemptAt - now <= LongestBackoff)
        {
            return new UploadReport(UploadOutcome.BackingOff, 0, 0, state.NextAttemptAt, state.LastProblem);
        }

        int acknowledged = 0, setAside = 0;
        // Bounded by what was queued at the start (plus one round to see it empty); taps appended meanwhile go next drain.
        var rounds = _journal.UnsentCount / _options.BatchSize + 2;
        for (var round = 0; round < rounds; round++)
        {
            var batch = _journal.ReadUnsent(_options.BatchSize);
            if (batch.Count == 0) break;

            // Wall time, not the injected clock: a faked clock is for backoff, and a latency on it would read zero.
            var started = Stopwatch.GetTimestamp();
            var result = await _client.SendTapsAsync(batch, cancellationToken).ConfigureAwait(false);
            UploadLatency.Add(Stopwatch.GetElapsedTime(started));

            switch (result.Outcome)
            {
                case UpstreamOutcome.Ok:
                    var settled = Settle(batch, result.Value!);
                    if (settled.Rejected.Count > 0)
                    {
                        var reason = string.Join("; ", Rejections(result.Value!).Select(r => $"{r.Id}: {r.Reason}"));
                        SetAside(settled.Rejected, reason);
                        setAside += settled.Rejected.Count;
                    }
                    if (settled.Through > 0) _journal.Acknowledge(settled.Through);
                    acknowledged += settled.Confirmed;
                    if (!settled.Complete) return Fail(acknowledged, setAside, "the back office's receipt did not cover the whole batch", null);
                    break;

                case UpstreamOutcome.Refused:
                    // Sending it again would be refused again, and it would hold up every tap behind it.
                    SetAside(batch, result.Problem ?? "refused");
                    _journal.Acknowledge(batch[^1].Sequence);
                    setAside += batch.Count;
                    break;

                default:
                    return Fail(acknowledged, setAside, result.Problem ?? result.Outcome.ToString(), result.RetryAfter);
            }
        }

        if (state.ConsecutiveFailures != 0 || state.LastProblem is not null || setAside > 0)
        {
            Save(State with { ConsecutiveFailures = 0, NextAttemptAt = default, LastProblem = null });
        }
        return new UploadReport(UploadOutcome.Drained, acknowledged, setAside, _time.GetUtcNow());
    }

    /// <summary>The longest wait a failure can set: the backoff cap, or a server's Retry-After up to an hour.</summary>
    private TimeSpan LongestBackoff => _options.BackoffCap > MaxRetryAfter ? _options.BackoffCap : MaxRetryAfter;

    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

        private UploadReport Fail(int acknowledged, int setAside, string problem, TimeSpan? retryAfter)
    {
        var state = State;
        var failures = state.ConsecutiveFailures + 1;
        var delay = Backoff.Delay(failures, _options.BackoffBase, _options.BackoffCap, Random.Shared.NextDouble());
        // The server knows its own load: a longer Retry-After wins, up to an hour so a bad header cannot park the device.
        if (retryAfter is { } asked && asked > delay) delay = asked < MaxRetryAfter ? asked : MaxRetryAfter;
        var next = _time.GetUtcNow() + delay;
        Save(state with { ConsecutiveFailures = failures, NextAttemptAt = next, LastProblem = problem });
        SyncLog.UploadFailed(_logger, problem, failures, delay.TotalSeconds, _journal.UnsentCount);
        return new UploadReport(UploadOutcome.Failed, acknowledged, setAside, next, problem);
    }

    private void SetAside(IReadOnlyList<TapRecord> taps, string reason)
    {
        var path = _setAside.Write(taps, reason);
        Save(State with { BatchesSetAside = State.BatchesSetAside + 1 });
        SyncLog.BatchSetAside(_logger, taps.Count, taps[0].Sequence, taps[^1].Sequence, reason, path);
    }

    private void Save(UploaderState state)
    {
        _stateFile.Save(state);
        Volatile.Write(ref _state, state);
    }

    /// <summary>
    /// The longest prefix of the batch the receipt accounts for (stored or refused), since the journal's cursor is a
    /// sequence prefix: a tap missing from the receipt stops the prefix and is sent again later.
    /// </summary>
    internal static (long Through, int Confirmed, List<TapRecord> Rejected, bool Complete) Settle(IReadOnlyList<TapRecord> batch, TapBatchReceipt receipt)
    {
        // A receipt is JSON from the network: a null list or entry names no tap, and a tap not named is sent again.
        var stored = (receipt.Stored ?? []).ToHashSet();
        var refused = Rejections(receipt).Select(r => r.Id).ToHashSet();
        var rejected = new List<TapRecord>();
        long through = 0;
        var confirmed = 0;
        foreach (var tap in batch)
        {
            if (stored.Contains(tap.Id)) confirmed++;
            else if (refused.Contains(tap.Id)) rejected.Add(tap);
            else return (through, confirmed, rejected, false);
            through = tap.Sequence;
        }
        return (through, confirmed, rejected, true);
    }

    private static IEnumerable<RejectedTap> Rejections(TapBatchReceipt receipt) => (receipt.Rejected ?? []).Where(r => r is not null);
}
