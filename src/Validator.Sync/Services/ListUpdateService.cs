using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Validator.Sync.Lists;

namespace Validator.Sync.Services;

/// <summary>Runs the list updater at start, every poll interval, and whenever a heartbeat answer nudges it.</summary>
public sealed class ListUpdateService(ListUpdater updater, SyncOptions options, TimeProvider time, ILogger<ListUpdateService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await updater.UpdateAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store fault leaves the lists in service as they were; the job lives on and tries again.
                SyncLog.JobFailed(logger, "list update", e);
            }
            await updater.Nudges.WaitAsync(options.ListPollInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }
}
