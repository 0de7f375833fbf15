using System.Diagnostics;
using System.Globalization;

namespace Validator.Fares.Bench;

/// <summary>
/// Fare decision bench. Without arguments it runs every size, each step in its own child process so the RSS of a
/// measurement holds only what a validator would hold:
///   dotnet run -c Release --project tests/Validator.Fares.Bench
/// One step: `prepare &lt;deny&gt; &lt;entitlements&gt; &lt;dir&gt;` or `measure &lt;deny&gt; &lt;entitlements&gt; &lt;decisions&gt; &lt;dir&gt;`.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 4 && args[0] == "prepare")
        {
            Prepare.Run(Int(args[1]), Int(args[2]), args[3]);
            return 0;
        }
        if (args.Length == 5 && args[0] == "measure")
        {
            Measure.Run(Int(args[1]), Int(args[2]), Int(args[3]), args[4]);
            return 0;
        }

        var dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "fares-bench");
        const int entitlements = 100_000;
        const int decisions = 200_000;
        Console.WriteLine($"Fare decision bench: seed {BenchData.Seed}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, data in {dir}");
        foreach (var deny in new[] { 10_000, 100_000, 1_000_000 })
        {
            var code = Child("prepare", deny, entitlements, dir);
            if (code == 0) code = Child("measure", deny, entitlements, decisions, dir);
            if (code != 0) return code;
        }
        return 0;
    }

    private static int Child(params object[] args)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(Convert.ToString(a, CultureInfo.InvariantCulture)!);
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
