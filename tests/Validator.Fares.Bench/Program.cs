using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Validator.Fares.Bench;

/// <summary>
/// Fare decision bench. Without arguments it runs every size (10k, 100k, 1M, 5M deny entries with 100k entitlements),
/// each step in its own child process so the RSS of a measurement holds only what a validator would hold:
///   dotnet run -c Release --project tests/Validator.Fares.Bench -- [dir] [--sizes 10000,100000] [--markdown path]
/// One step: `prepare &lt;deny&gt; &lt;entitlements&gt; &lt;dir&gt;` or `measure &lt;deny&gt; &lt;entitlements&gt; &lt;decisions&gt; &lt;dir&gt;`.
/// The list download bench is `lists`, the daemon start bench `start` (see <see cref="ListsBench"/>, <see cref="StartBench"/>).
/// </summary>
internal static class Program
{
    private const int EntitlementCount = 100_000;

    private static int Main(string[] args)
    {
        if (args.Length == 4 && args[0] == "prepare")
        {
            Prepare.Run(Int(args[1]), Int(args[2]), args[3]);
            return 0;
        }
        if (args.Length == 5 && args[0] == "measure")
        {
            var result = Measure.Run(Int(args[1]), Int(args[2]), Int(args[3]), args[4]);
            File.WriteAllText(ResultPath(args[4], result.Deny), JsonSerializer.Serialize(result));
            return 0;
        }

        if (args.Length == 5 && args[0] == "lists-device") return ListsBench.Device(Int(args[1]), args[2], args[3], args[4]);
        if (args.Length == 3 && args[0] == "lists-publish-delta") return ListsBench.PublishDelta(Int(args[1]), args[2]);
        if (args.Length == 3 && args[0] == "backoffice") return ListsBench.ServeBackoffice(args[1], args[2]);

        var options = Options.Parse(args);
        if (options.Mode == "lists") return ListsBench.Run(options);
        if (options.Mode == "start") return StartBench.Run(options);
        return Decisions(options);
    }

    private static int Decisions(Options options)
    {
        var dir = options.Dir ?? Path.Combine(Path.GetTempPath(), "fares-bench");
        const int decisions = 200_000;
        var sizes = options.Sizes ?? [10_000, 100_000, 1_000_000, 5_000_000];
        Console.WriteLine($"Fare decision bench: seed {BenchData.Seed}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, data in {dir}");
        var results = new List<MeasureResult>();
        foreach (var deny in sizes)
        {
            var code = Child("prepare", deny, EntitlementCount, dir);
            if (code == 0) code = Child("measure", deny, EntitlementCount, decisions, dir);
            if (code != 0) return code;
            results.Add(JsonSerializer.Deserialize<MeasureResult>(File.ReadAllText(ResultPath(dir, deny)))!);
        }
        DecisionsReport.Write(results, decisions).WriteTo(options.Markdown);
        return 0;
    }

    private static string ResultPath(string dir, int deny) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"result-{deny}.json"));

    /// <summary>
    /// Runs this bench again as a child process with <paramref name="args"/> and the daemon's runtime environment (its
    /// systemd unit's DOTNET_ lines); returns its exit code.
    /// </summary>
    public static int Child(params object[] args)
    {
        var start = Self(args);
        foreach (var (name, value) in Validator.BenchKit.DaemonEnvironment.Variables()) start.Environment[name] = value;
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>How to start this bench as a child process with <paramref name="args"/>.</summary>
    public static ProcessStartInfo Self(params object[] args)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(Convert.ToString(a, CultureInfo.InvariantCulture)!);
        return start;
    }

    public static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}

/// <summary>The command line: an optional mode (lists, start), an optional data directory, and options.</summary>
internal sealed record Options(string Mode, string? Dir, string? Markdown, int[]? Sizes, string? Validator)
{
    public static Options Parse(string[] args)
    {
        string mode = "decisions";
        string? dir = null, markdown = null, validator = null;
        int[]? sizes = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--markdown": markdown = args[++i]; break;
                case "--sizes": sizes = args[++i].Split(',').Select(Program.Int).ToArray(); break;
                case "--validator": validator = args[++i]; break;
                case "lists" or "start" or "decisions" when i == 0: mode = args[i]; break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unknown option {args[i]}");
                    dir = args[i];
                    break;
            }
        }
        return new Options(mode, dir, markdown, sizes, validator);
    }
}
