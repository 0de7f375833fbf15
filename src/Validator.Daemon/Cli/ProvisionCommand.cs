namespace Validator.Daemon.Cli;

/// <summary><c>validator provision</c> (being written).</summary>
internal static class ProvisionCommand
{
    public const string Usage = "validator provision: not available yet";

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        _ = args;
        _ = stdout;
        stderr.WriteLine(Usage);
        return 69; // EX_UNAVAILABLE
    }
}
