using System.Globalization;
using Validator.Core.Cards;
using Validator.Daemon.Demo;

namespace Validator.Daemon.Cli;

/// <summary><c>validator demo</c>: plays a school morning on virtual cards, through pcscd + vpcd when the machine has them.</summary>
internal static class DemoCommand
{
    public const string Usage = """
        validator demo [--fast] [--students N] [--in-process]
          Plays a school morning on virtual cards and shows what the validator reads.
          --fast          no pauses between taps (for CI)
          --students N    how many students board (default 12, or 6 with --fast)
          --in-process    do not use pcscd even when it is installed
        """;

    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(700);

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var fast = args.Flag("fast");
        var students = args.Number("students", 1, 500) ?? (fast ? 6 : 12);
        var inProcess = args.Flag("in-process");
        args.RejectUnknown();

        // The demo's own key: its tokens are stable within the run, which is all a demo needs.
        var reader = new CardReader(new CardReaderOptions { TokenKey = TokenKeySource.Ephemeral() });
        ITapStation station;
        string? whyNot = "--in-process was given";
        if (!inProcess && VpcdTapStation.TryStart(reader, out whyNot) is { } real)
        {
            station = real;
        }
        else
        {
            station = new InProcessTapStation(reader);
        }

        using (station)
        {
            stdout.WriteLine("Validator demo: a school morning on the county bus");
            stdout.WriteLine($"  taps go through {station.Description}");
            if (station is InProcessTapStation) stdout.WriteLine($"  (pcscd not used: {whyNot})");
            stdout.WriteLine();
            stdout.WriteLine($"  {"who",-24} {"outcome",-14} {"card",-22} {"token",-12} {"apdus",5} {"ms",8}");

            var steps = SchoolMorning.Build(students, seed: 20261128);
            var times = new List<double>();
            var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
            var mismatches = 0;
            foreach (var step in steps)
            {
                if (stop.IsCancellationRequested) break;
                var tap = station.Tap(step.Card);
                var outcome = Name(tap.Read.Outcome);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                times.Add(tap.ReadTime.TotalMilliseconds);
                if (!step.Expect.StartsWith(outcome, StringComparison.Ordinal)) mismatches++;
                var id = tap.Read.Identity;
                var card = id is null ? tap.Read.Reason.ToString() : $"{id.Brand} {(id.Last4 is null ? "uid" : "…" + id.Last4)}";
                var token = id is null ? "" : id.Token.ToString()[..10] + "…";
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step.Who,-24} {outcome,-14} {card,-22} {token,-12} {tap.Read.ApduCount,5} {tap.ReadTime.TotalMilliseconds,8:F2}"));
                if (!fast) stop.WaitHandle.WaitOne(Pace); // a pace people can follow, not a wait for anything
            }

            times.Sort();
            stdout.WriteLine();
            stdout.WriteLine($"  {times.Count} taps: " + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}")));
            if (times.Count > 0)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  read time: median {times[times.Count / 2]:F2} ms, max {times[^1]:F2} ms (card present to card read)"));
            }
            if (mismatches > 0)
            {
                stderr.WriteLine($"demo: {mismatches} tap(s) did not end as the scenario expects");
                return 1;
            }
            return 0;
        }
    }

    private static string Name(CardReadOutcome outcome) => outcome switch
    {
        CardReadOutcome.Identified => "identified",
        CardReadOutcome.NotSupported => "not-supported",
        _ => "read-failed",
    };
}
