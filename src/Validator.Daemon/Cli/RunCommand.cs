using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Validator.Daemon.Service;

namespace Validator.Daemon.Cli;

/// <summary><c>validator run</c>: the production service, as systemd starts it (Type=notify, WatchdogSec).</summary>
internal static class RunCommand
{
    public const string Usage = """
        validator run
          The service: serves taps on every reader, stores them, uploads them and keeps the lists current.
          Configuration: /etc/validator/validator.json (VALIDATOR_CONFIG), environment VALIDATOR_* (see docs/operations.md).
        """;

    public static int Run(Arguments args, TextWriter stderr, CancellationToken stop)
    {
        args.RejectUnknown();
        var configuration = ValidatorConfiguration.Load();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSystemd();
        if (!Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            // AddSystemd only engages when systemd is the parent process; any supervisor that hands us a NOTIFY_SOCKET
            // (a container's init, a test) gets READY/STOPPING/WATCHDOG too.
            builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Systemd.SystemdLifetime>();
        }
        // The watchdog asks for a notifier in every case; without NOTIFY_SOCKET it is simply not enabled.
        builder.Services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddValidator(configuration);
        using var host = builder.Build();
        try
        {
            host.RunAsync(stop).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"validator run: storage: {ex.Message}");
            return 74; // EX_IOERR
        }
        return 0;
    }
}
