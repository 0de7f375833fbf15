namespace Validator.Daemon.Cli;

/// <summary><c>validator status</c> (being written).</summary>
internal static class StatusCommand
{
    public const string Usage = "validator status: not available yet";

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        _ = args;
        _ = stdout;
        stderr.WriteLine(Usage);
        return 69; // EX_UNAVAILABLE
    }
}
