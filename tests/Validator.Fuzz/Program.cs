using System.Diagnostics;
using System.Globalization;
using Validator.Fuzz;
using Validator.Fuzz.Targets;

// Usage: Validator.Fuzz [--seconds N] [--seed S] [--target all|NAME] [--replay I]
// "all" runs each target in a child process (a crash of one is reported, not fatal to the run), time shared by weight.
// Exit 0: no finding; 1: findings; 2: usage; 3: a hang (from a child: reported as a finding).
var seconds = 60.0;
var seed = 1;
var targetName = "all";
long? replay = null;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--seconds" when value is not null: seconds = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--seed" when value is not null: seed = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--target" when value is not null: targetName = value; i++; break;
        case "--replay" when value is not null: replay = long.Parse(value, CultureInfo.InvariantCulture); i++; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: Validator.Fuzz [--seconds N] [--seed S] [--target all|{string.Join('|', Targets.Names)}] [--replay I]");
            return 2;
    }
}

if (targetName != "all")
{
    using var target = Targets.Create(targetName);
    if (target is null)
    {
        Console.Error.WriteLine($"no target '{targetName}'; targets: {string.Join(", ", Targets.Names)}");
        return 2;
    }
    var runner = new FuzzRunner(target, seed, Console.Out);
    runner.Run(TimeSpan.FromSeconds(seconds), replay);
    return runner.Findings == 0 ? 0 : 1;
}

var total = Targets.Names.Sum(Targets.Weight);
var failed = new List<string>();
var summary = new List<string>();
foreach (var name in Targets.Names)
{
    var share = seconds * Targets.Weight(name) / total;
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
    // Started through "dotnet Validator.Fuzz.dll" the process path is dotnet itself.
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(FuzzRunner).Assembly.Location);
    foreach (var a in new[] { "--target", name, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--seconds", share.ToString("0.##", CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
    using var child = Process.Start(start)!;
    string? result = null;
    while (child.StandardOutput.ReadLine() is { } line)
    {
        Console.WriteLine(line);
        if (line.StartsWith("RESULT ", StringComparison.Ordinal)) result = line;
    }
    child.WaitForExit();
    if (result is null)
    {
        Console.WriteLine($"FINDING target={name} seed={seed}: the process ended with exit code {child.ExitCode} and no result (a crash); rerun with --target {name} --seed {seed}");
        failed.Add(name);
        summary.Add($"{name}: crashed (exit {child.ExitCode})");
        continue;
    }
    summary.Add(result);
    if (child.ExitCode != 0) failed.Add(name);
}
Console.WriteLine();
Console.WriteLine("summary:");
foreach (var line in summary) Console.WriteLine("  " + line);
Console.WriteLine(failed.Count == 0 ? "fuzz: no findings" : $"fuzz: findings in {string.Join(", ", failed)}");
return failed.Count == 0 ? 0 : 1;
