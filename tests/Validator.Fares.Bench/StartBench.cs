namespace Validator.Fares.Bench;

/// <summary>Daemon start bench (placeholder until written).</summary>
internal static class StartBench
{
    public static int Run(Options options) => options is null ? 1 : 1;
}
