using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Validator.Core.Taps;

namespace Validator.Daemon.Service;

/// <summary>
/// Writes the tap path's latency histograms to <see cref="LatencyFile"/> every <see cref="Interval"/> while taps come
/// in, and once more at stop. Registered before the tap loop, so it stops after it and the last tap is in the file.
/// A file from an earlier run is removed at start: the figures are since this start.
/// </summary>
internal sealed partial class LatencyPublisher(TapLatencies latencies, DeviceOptions device, TimeProvider time, ILogger<LatencyPublisher> logger) : BackgroundService
{
    /// <summary>How often the figures are written while taps come in; an idle validator writes nothing (SD card wear).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly string _path = LatencyFile.PathIn(device.DataDirectory);
    private readonly Lock _gate = new();
    private DateTimeOffset _since;
    private long _written;
    private bool _failing;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _since = time.GetUtcNow();
        try
        {
            File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, _path, e.Message);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) Publish();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes the last figures.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Publish();
    }

    private void Publish()
    {
        lock (_gate)
        {
            var taps = latencies.Count;
            if (taps == _written) return;
            try
            {
                LatencyFile.Write(_path, new LatencyReport { Since = _since, WrittenAt = time.GetUtcNow(), Taps = taps, Steps = latencies.Summarize() });
                _written = taps;
                _failing = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Taps go on; only the technician's view is stale. Said once per spell of failures.
                if (!_failing) LogWriteFailed(logger, _path, e.Message);
                _failing = true;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Latency figures not written to {Path}: {Problem}; 'validator status' shows older ones or none")]
    private static partial void LogWriteFailed(ILogger logger, string path, string problem);
}
