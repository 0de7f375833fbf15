using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Validator.Daemon.Service;

/// <summary>
/// Sends systemd's WATCHDOG=1 while the tap loop is healthy. Microsoft.Extensions.Hosting.Systemd sends READY and
/// STOPPING but never WATCHDOG, so a hung tap loop would otherwise go unnoticed; when the loop stops beating the pings
/// stop and systemd restarts the service (WatchdogSec in the unit).
/// </summary>
internal sealed partial class WatchdogService(TapService taps, ISystemdNotifier notifier, ILogger<WatchdogService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = Interval();
        if (interval is null || !notifier.IsEnabled) return;
        var half = interval.Value / 2;
        var wasHealthy = true;
        using var timer = new PeriodicTimer(half);
        do
        {
            var healthy = taps.IsHealthy(within: half + TimeSpan.FromSeconds(2));
            if (healthy) notifier.Notify(new ServiceState("WATCHDOG=1"));
            else if (wasHealthy) LogUnhealthy(logger);
            wasHealthy = healthy;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>The watchdog interval systemd set for us (WATCHDOG_USEC), if any.</summary>
    private static TimeSpan? Interval() =>
        long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "The tap loop stopped beating; withholding WATCHDOG=1 so systemd restarts the service")]
    private static partial void LogUnhealthy(ILogger logger);
}
