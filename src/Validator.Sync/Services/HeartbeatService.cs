using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Validator.Sync.Heartbeats;

namespace Validator.Sync.Services;

/// <summary>Sends a heartbeat at start and then every heartbeat interval.</summary>
public sealed class HeartbeatService(HeartbeatSender sender, SyncOptions options, TimeProvider time, ILogger<HeartbeatService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sender.SendAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                SyncLog.JobFailed(logger, "heartbeat", e);
            }
            await Task.Delay(options.HeartbeatInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }
}
