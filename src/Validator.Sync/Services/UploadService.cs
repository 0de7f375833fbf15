using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Validator.Sync.Upload;

namespace Validator.Sync.Services;

/// <summary>Runs the uploader: drains, then waits the upload interval, or the backoff after a failure.</summary>
public sealed class UploadService(Uploader uploader, SyncOptions options, TimeProvider time, ILogger<UploadService> logger) : BackgroundService
{
    /// <summary>Wakes the loop early (for example right after a tap was journaled).</summary>
    public Wakeup Nudges { get; } = new();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var report = await uploader.DrainAsync(stoppingToken).ConfigureAwait(false);
                wait = report.Outcome == UploadOutcome.Drained ? options.UploadInterval : report.NextAttemptAt - time.GetUtcNow();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A journal or disk fault must not end the job for good (nor stop the host); it is logged and tried again.
                SyncLog.JobFailed(logger, "upload", e);
                wait = options.UploadInterval;
            }
            await Nudges.WaitAsync(wait, time, stoppingToken).ConfigureAwait(false);
        }
    }
}
