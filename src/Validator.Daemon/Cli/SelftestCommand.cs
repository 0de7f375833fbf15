namespace Validator.Daemon.Cli;

/// <summary><c>validator selftest</c> (being written).</summary>
internal static class SelftestCommand
{
    public const string Usage = "validator selftest: not available yet";

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        _ = args;
        _ = stdout;
        stderr.WriteLine(Usage);
        return 69; // EX_UNAVAILABLE
    }
}
