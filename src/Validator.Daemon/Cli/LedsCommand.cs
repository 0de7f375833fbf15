using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;

namespace Validator.Daemon.Cli;

/// <summary>
/// <c>validator leds</c>: the technician's check of the LEDs and the buzzer. Drives each output by name so the
/// technician can see and hear it; stopping (Ctrl+C, SIGTERM) turns everything off.
/// </summary>
internal static class LedsCommand
{
    public const string Usage = """
        validator leds [--output green|red|amber|buzzer|all|startup] [--seconds N] [--simulate FILE]
          Lights each LED and sounds the buzzer in turn (or just --output), N seconds each (default 1).
          'startup' plays the start-up pattern (every LED and a short beep).
          --simulate FILE   use a simulated GPIO and write every pin change to FILE (no hardware needed)
          The wiring comes from the Feedback section of the configuration (see docs/hardware.md).
        """;

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr, ILoggerFactory logging, CancellationToken stop)
    {
        var output = args.Text("output") ?? "all";
        var seconds = args.Number("seconds", 1, (int)GpioFeedback.MaxTestDuration.TotalSeconds) ?? 1;
        var simulate = args.Text("simulate");
        args.RejectUnknown();
        var names = output switch
        {
            "all" => FeedbackOutputNames.All.ToArray(),
            "startup" => [],
            _ when FeedbackOutputNames.TryParse(output, out _) => new[] { output },
            _ => throw new UsageException($"--output must be one of {string.Join(", ", FeedbackOutputNames.All)}, all or startup, not '{output}'"),
        };

        var options = new FeedbackOptions();
        ValidatorConfiguration.Load().GetSection(FeedbackOptions.SectionName).Bind(options);
        using var log = simulate is null ? null : new StreamWriter(simulate, append: false) { AutoFlush = true };
        GpioFeedback feedback;
        if (log is not null)
        {
            var driver = new SimulatedGpioDriver();
            var pwm = new SimulatedPwmChannel();
            driver.PinChanged += (_, change) => Write(log, $"pin {change.Pin} {(change.Value == System.Device.Gpio.PinValue.High ? 1 : 0)}");
            pwm.Changed += (_, change) => Write(log, $"pwm {(change.Running ? "on" : "off")} {change.Frequency}");
            feedback = GpioFeedback.Open(options, driver, pwm, loggers: logging);
        }
        else if (!GpioFeedback.TryOpen(options, out var real, out var error, loggers: logging))
        {
            stderr.WriteLine($"validator leds: {error.Message}");
            return 1;
        }
        else
        {
            feedback = real;
        }

        using (feedback)
        {
            try
            {
                if (names.Length == 0)
                {
                    stdout.WriteLine("startup pattern");
                    Wait(feedback.PlayStartup(), stop);
                }
                foreach (var name in names)
                {
                    stdout.WriteLine($"{name} on for {seconds} s");
                    stdout.Flush();
                    Wait(feedback.TestOutput(name, TimeSpan.FromSeconds(seconds)), stop);
                }
                stdout.WriteLine("done: all outputs off");
                return 0;
            }
            catch (OperationCanceledException)
            {
                // Stopping mid-test must never leave an LED lit or the buzzer sounding.
                feedback.Stop();
                stdout.WriteLine("stopped: all outputs off");
                return 143;
            }
        }
    }

    private static void Wait(Task pattern, CancellationToken stop) => pattern.Wait(stop);

    private static void Write(StreamWriter log, string line)
    {
        lock (log) log.WriteLine(line);
    }
}
