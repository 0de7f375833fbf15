using Microsoft.Extensions.Logging;
using Validator.Daemon.Cli;

namespace Validator.Daemon;

/// <summary>The <c>validator</c> executable: the service and the technician's commands.</summary>
internal static class Program
{
    private const string Usage = """
        validator <command> [options]

        Commands:
          run        the service (systemd starts this)
          demo       a school morning on virtual cards, on embedded defaults (no reader needed)
          inspect    read cards on the machine's readers and print what the validator sees
          leds       light each LED and sound the buzzer, for a technician's check
          provision  give this device its id, back office and secrets (writes the configuration)
          status     what this validator holds: lists, unsent taps, last upload, reader, recent taps
          selftest   check LEDs, buzzer, reader, storage, clock, back office and lists; exit 1 on a fault
          version    print the version

        'validator <command> --help' shows a command's options.
        """;

    public static int Main(string[] argv)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        // systemd and technicians stop us with SIGTERM: finish cleanly (LEDs off, files closed) instead of dying.
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var logging = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Validator", LogLevel.Warning));
        try
        {
            var args = Arguments.Parse(argv);
            if (argv.Contains("--help"))
            {
                Console.WriteLine(args.Verb switch
                {
                    "inspect" => InspectCommand.Usage,
                    "demo" => DemoCommand.Usage,
                    "leds" => LedsCommand.Usage,
                    "provision" => ProvisionCommand.Usage,
                    "status" => StatusCommand.Usage,
                    "selftest" => SelftestCommand.Usage,
                    "run" => RunCommand.Usage,
                    _ => Usage,
                });
                return 0;
            }
            return args.Verb switch
            {
                "inspect" => InspectCommand.Run(args, Console.Out, Console.Error, logging, stop.Token),
                "demo" => DemoCommand.Run(args, Console.Out, Console.Error, stop.Token),
                "leds" => LedsCommand.Run(args, Console.Out, Console.Error, logging, stop.Token),
                "provision" => ProvisionCommand.Run(args, Console.Out, Console.Error),
                "status" => StatusCommand.Run(args, Console.Out, Console.Error),
                "selftest" => SelftestCommand.Run(args, Console.Out, Console.Error, logging),
                "run" => RunCommand.Run(args, Console.Error, stop.Token),
                "version" => PrintVersion(),
                "help" => PrintUsage(),
                _ => throw new UsageException($"unknown command '{args.Verb}'"),
            };
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"validator: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 64; // EX_USAGE
        }
        catch (ConfigurationException ex)
        {
            Console.Error.WriteLine($"validator: configuration: {ex.Message}");
            return 78; // EX_CONFIG
        }
    }

    private static int PrintUsage()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static int PrintVersion()
    {
        Console.WriteLine($"validator {typeof(Program).Assembly.GetName().Version}");
        return 0;
    }
}
