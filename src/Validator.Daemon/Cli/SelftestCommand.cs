using System.Text.Json;
using Microsoft.Extensions.Logging;
using Validator.Core.Clock;

namespace Validator.Daemon.Cli;

/// <summary>
/// <c>validator selftest</c>: checks everything a validator needs at the door, each with PASS, WARN or FAIL, a one-line
/// reason and what to do. Exit 1 when any check fails, so the first boot and scripts can act on it.
/// </summary>
internal static class SelftestCommand
{
    public const string Usage = """
        validator selftest [--json] [--skip-gpio | --simulate-gpio]
          Checks configuration, LEDs and buzzer (plays the start-up pattern), the reader (pcscd and at least
          one reader), storage (the data directory takes a synced write; journal and lists are consistent),
          the clock, the back office (with this device's id and secret) and the lists' age against the policy.
          --json            the result as one JSON object
          --skip-gpio       do not touch the LEDs and buzzer (e.g. while the service holds the pins)
          --simulate-gpio   play the start-up pattern on a simulated GPIO (no hardware needed)
          Exit 0 when nothing failed (warnings allowed), 1 when a check failed.
        """;

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr, ILoggerFactory logging)
    {
        var json = args.Flag("json");
        var skipGpio = args.Flag("skip-gpio");
        var simulateGpio = args.Flag("simulate-gpio");
        args.RejectUnknown();
        if (skipGpio && simulateGpio) throw new UsageException("--skip-gpio and --simulate-gpio exclude each other");
        _ = stderr;

        var configuration = ValidatorConfiguration.Load();
        var dataDirectory = StatusCommand.DataDirectory(configuration);
        var now = DateTimeOffset.UtcNow;
        var checks = new List<SelftestCheck> { SelftestChecks.Configuration(configuration) };
        checks.Add(skipGpio
            ? SelftestCheck.Warn("leds", "skipped (--skip-gpio)", "with the service stopped: 'validator selftest' or 'validator leds'")
            : SelftestChecks.Feedback(configuration, simulateGpio, logging));
        checks.Add(SelftestChecks.Reader());
        checks.Add(SelftestChecks.Storage(dataDirectory));
        using (var snapshot = new StatusSnapshot())
        {
            checks.Add(SelftestChecks.Journal(snapshot, Path.Combine(dataDirectory, "journal")));
            checks.Add(SelftestChecks.Lists(snapshot, Path.Combine(dataDirectory, "lists.db"), now, out var freshness));
            checks.Add(SelftestChecks.Clock(TimesyncdSyncSource.DefaultPath));
            checks.Add(SelftestChecks.Upstream(configuration, TimeSpan.FromSeconds(5)));
            checks.Add(freshness);
        }

        var report = new SelftestReport(StatusCommand.SoftwareVersion, now, checks);
        stdout.Write(json ? JsonSerializer.Serialize(report, StatusJsonContext.Default.SelftestReport) + "\n" : report.ToText());
        return report.Passed ? 0 : 1;
    }
}
