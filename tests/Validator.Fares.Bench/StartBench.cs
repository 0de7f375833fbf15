using System.Globalization;
using Validator.Simulation.Vpcd;

namespace Validator.Fares.Bench;

/// <summary>
/// Daemon start bench: `validator run` from the ReadyToRun publish (artifacts/publish/linux-x64, made by
/// `dotnet pwsh build.ps1 publish`) is started with a NOTIFY_SOCKET this bench binds, and timed from process start to
/// its READY=1; then its RSS is read from /proc. Once with an empty data directory, once with a list store of a
/// million deny entries and 100,000 entitlements; each with pcscd + vpcd running (READY = the reader monitor reached
/// pcscd) and, when the machine has no pcscd of its own, without (READY after the daemon's grace period).
///   dotnet run -c Release --project tests/Validator.Fares.Bench -- start [dir] [--validator path] [--sizes 1000000] [--markdown path]
/// </summary>
internal static class StartBench
{
    private const int Runs = 5;
    private const int EntitlementCount = 100_000;
    private const double BudgetMb = 150;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    /// <summary>How long the daemon's tap service waits for pcscd before it lets READY go (TapService.ReadyGrace).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>The file the pcscd test fixture locks; held while this bench uses the machine's one pcscd.</summary>
    private const string PcscdMachineLock = "/tmp/validator-pcscd-tests.lock";

    public static int Run(Options options)
    {
        var dir = options.Dir ?? Path.Combine(Path.GetTempPath(), "start-bench");
        var deny = options.Sizes?[0] ?? 1_000_000;
        var validator = DaemonProcess.PublishedPath(options);
        if (!File.Exists(validator))
        {
            Console.Error.WriteLine($"{validator} is missing: run `dotnet pwsh build.ps1 publish` first (the ReadyToRun build is what is measured)");
            return 2;
        }
        Directory.CreateDirectory(dir);
        Console.WriteLine($"Start bench: {validator}, {Runs} starts per row, data in {dir}");
        if (Program.Child("prepare", deny, EntitlementCount, dir) != 0) return 1;

        var rows = new List<StartRow>();
        var full = Prepare.PathFor(deny, EntitlementCount, dir);
        // Without pcscd: the daemon's PC/SC client is pointed at a socket nobody listens on (PCSCLITE_CSOCK_NAME), so the
        // machine's pcscd, which tests may be using, is left alone.
        var nowhere = new Dictionary<string, string> { ["PCSCLITE_CSOCK_NAME"] = Path.Combine(dir, "no-pcscd.comm") };
        rows.Add(Measure(validator, dir, "empty data directory, no pcscd", null, nowhere));
        rows.Add(Measure(validator, dir, Markdown.F($"{deny:N0} deny entries + {EntitlementCount:N0} entitlements, no pcscd"), full, nowhere));
        using (var machineLock = TakePcscdLock(TimeSpan.FromMinutes(5)))
        {
            if (machineLock is null) Console.Error.WriteLine("the machine's pcscd stayed in use for 5 minutes: the rows with pcscd are left out");
            else if (!PcscdProcess.TryAcquire(TimeSpan.FromSeconds(15), out var pcscd, out var whyNot)) Console.Error.WriteLine("no pcscd with vpcd, the rows with pcscd are left out: " + whyNot);
            else
            {
                using (pcscd)
                {
                    rows.Add(Measure(validator, dir, "empty data directory, pcscd + vpcd running", null, null));
                    rows.Add(Measure(validator, dir, Markdown.F($"{deny:N0} deny entries + {EntitlementCount:N0} entitlements, pcscd + vpcd running"), full, null));
                }
            }
        }
        Report(rows, deny).WriteTo(options.Markdown);
        return 0;
    }

    private static StartRow Measure(string validator, string dir, string what, string? listStore, Dictionary<string, string>? environment)
    {
        var ready = new List<double>();
        var work = new List<double>();
        var atReady = new List<double>();
        var settled = new List<double>();
        var peak = new List<double>();
        var lists = new List<ListLoad>();
        for (var run = 0; run < Runs; run++)
        {
            var config = new Dictionary<string, Dictionary<string, string>>
            {
                ["Device"] = new() { ["Id"] = "bench-0001", ["Line"] = "110" },
                ["Cards"] = new() { ["TokenKey"] = Convert.ToBase64String(new byte[32]) },
            };
            using var daemon = DaemonProcess.Start(validator, Path.Combine(dir, "daemon"), config, listStore, environment);
            var readyMs = daemon.WaitForReady();
            ready.Add(readyMs);
            lists.Add(ListLoad.Parse(daemon.WaitForLine("Lists loaded in", TimeSpan.FromSeconds(10)).Line));
            // The tap service's warning when its grace for pcscd ran out: its start began that long before.
            if (environment is not null) work.Add(daemon.WaitForLine("pcscd not reachable after", TimeSpan.FromSeconds(10)).AtMs - Grace.TotalMilliseconds);
            atReady.Add(daemon.StatusMb("VmRSS:"));
            Thread.Sleep(Settle); // what it holds once start-up's garbage is gone; there is no event for "settled"
            settled.Add(daemon.StatusMb("VmRSS:"));
            peak.Add(daemon.StatusMb("VmHWM:"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{what}: READY after {readyMs:F0} ms; RSS at READY {atReady[^1]:F0} MB, {Settle.TotalSeconds:F0} s later {settled[^1]:F0} MB, peak {peak[^1]:F0} MB"));
        }
        return new StartRow(what, ready.ToArray(), work.ToArray(), atReady.ToArray(), settled.ToArray(), peak.ToArray(), [.. lists]);
    }

    /// <summary>Takes the machine's pcscd lock (the test fixture's lock file), waiting while another run holds it.</summary>
    private static FileStream? TakePcscdLock(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                return new FileStream(PcscdMachineLock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                if (DateTime.UtcNow > deadline) return null;
                Thread.Sleep(200); // polling a lock file: there is no event to wait on
            }
        }
    }

    private static Markdown Report(List<StartRow> rows, int deny)
    {
        var md = new Markdown();
        md.Line(Markdown.F($"`validator run` from the ReadyToRun publish (linux-x64, self-contained) with its systemd unit's runtime environment ({Validator.BenchKit.DaemonEnvironment.Describe()}), no back office configured (no sync services), no GPIO on the build machine (the daemon falls back to no feedback); time from process start to the READY=1 it sends to NOTIFY_SOCKET, and its RSS (VmRSS at READY and {Settle.TotalSeconds:F0} s later, VmHWM = peak since start); {Runs} starts per row, median and worst."));
        md.Table(
            ["start", "to READY: median / max", "start work (without pcscd: to the grace's start)", "of it: lists opened (entitlements / deny list / collections after each load)", "RSS at READY", Markdown.F($"RSS {Settle.TotalSeconds:F0} s after READY"), "peak RSS (VmHWM)"],
            rows.Select(r => new[]
            {
                r.What, Markdown.F($"{Median(r.ReadyMs):F0} / {r.ReadyMs.Max():F0} ms"),
                r.WorkMs.Length == 0 ? "= to READY" : Markdown.F($"{Median(r.WorkMs):F0} / {r.WorkMs.Max():F0} ms"),
                Markdown.F($"{Median([.. r.Lists.Select(l => l.Total)]):F0} ms ({Median([.. r.Lists.Select(l => l.Entitlements)]):F0} / {Median([.. r.Lists.Select(l => l.Deny)]):F0} / {Median([.. r.Lists.Select(l => l.Collect)]):F0}), medians"),
                Markdown.F($"{Median(r.AtReadyMb):F0} MB"),
                Markdown.F($"{Median(r.SettledMb):F0} MB"), Markdown.F($"{Median(r.PeakMb):F0} MB (max {r.PeakMb.Max():F0})"),
            }));
        foreach (var row in rows.Where(r => r.What.EndsWith("running", StringComparison.Ordinal)))
        {
            md.Target(Markdown.F($"start → READY ≤ 2 s ({row.What})"), row.ReadyMs.Max() <= 2000, Markdown.F($"median {Median(row.ReadyMs):F0} ms, max {row.ReadyMs.Max():F0} ms"));
        }
        if (rows.FirstOrDefault(r => !r.What.StartsWith("empty", StringComparison.Ordinal)) is { } full)
        {
            md.Target(Markdown.F($"RSS ≤ 150 MB with {deny:N0} deny entries + {EntitlementCount:N0} entitlements"), full.PeakMb.Max() <= BudgetMb,
                Markdown.F($"{Median(full.SettledMb):F0} MB settled, start-up peak {full.PeakMb.Max():F0} MB"));
        }
        if (!rows.Any(r => r.What.EndsWith("running", StringComparison.Ordinal)))
        {
            md.Line("start → READY ≤ 2 s with pcscd: not measured (the machine's pcscd was in use); without pcscd READY waits for the daemon's 2 s grace by design.");
        }
        return md;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private sealed record StartRow(string What, double[] ReadyMs, double[] WorkMs, double[] AtReadyMb, double[] SettledMb, double[] PeakMb, ListLoad[] Lists);

    /// <summary>The daemon's own account of opening its lists (its "Lists loaded in …" line), in ms.</summary>
    private readonly record struct ListLoad(double Total, double Deny, double Entitlements, double Collect)
    {
        private static readonly System.Text.RegularExpressions.Regex Line = new(
            @"Lists loaded in (\d+) ms: .* read in (\d+) ms, .* in (\d+) ms, policy .*; (\d+) ms returning", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        public static ListLoad Parse(string line)
        {
            var m = Line.Match(line);
            if (!m.Success) throw new InvalidOperationException($"the daemon's list-load line has an unknown form: {line}");
            double N(int group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
            return new ListLoad(N(1), N(2), N(3), N(4));
        }
    }
}
