using System.Diagnostics;

namespace Validator.TapBench;

/// <summary>This bench started again as a child (the stall meters, the card host, the run with the unit's environment).</summary>
internal static class SelfProcess
{
    /// <summary>How to start this bench with <paramref name="args"/>; with <paramref name="redirect"/>, driven over stdin/stdout.</summary>
    public static ProcessStartInfo StartInfo(bool redirect, params IEnumerable<string> args)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath!,
            RedirectStandardInput = redirect,
            RedirectStandardOutput = redirect,
            UseShellExecute = false,
        };
        // Started as "dotnet Validator.TapBench.dll": the host needs the assembly again.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
