using System.Diagnostics;
using System.Globalization;
using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

/// <summary>
/// Kills a real process that is appending taps (SIGKILL, at an instant drawn from a seeded Random) and checks
/// that every tap it had reported as written is in the journal exactly once.
/// </summary>
public class TapJournalCrashTests
{
    private const int Seed = 20261128;

    [Test]
    public void Every_tap_acknowledged_before_a_kill_is_kept_exactly_once_over_25_kills() =>
        RunKills(iterations: 25);

    [Test, Explicit("long run recorded in docs/reliability.md"), Category("Crash")]
    public void Every_tap_acknowledged_before_a_kill_is_kept_exactly_once_over_200_kills() =>
        RunKills(iterations: 200);

    private static void RunKills(int iterations)
    {
        using var dir = new TempDirectory();
        var random = new Random(Seed);
        var promised = new Dictionary<long, Guid>();
        var stats = new CrashStats();
        for (var i = 0; i < iterations; i++)
        {
            var killAfter = random.Next(1, 400);
            var lines = RunUntilKilled(dir.Path, killAfter, seed: random.Next());
            foreach (var line in lines)
            {
                var (sequence, id) = ParseLine(line);
                Assert.That(promised.TryAdd(sequence, id), Is.True, $"kill {i}: sequence {sequence} was handed out twice");
            }

            stats.Acknowledged += lines.Count;
            CheckJournal(dir.Path, promised, i, stats);
        }

        TestContext.Out.WriteLine(
            $"seed {Seed}: {iterations} kills, {stats.Acknowledged} acknowledged taps, {stats.Lost} lost, {stats.Duplicates} duplicates, " +
            $"{stats.TornTails} torn tails cut ({stats.TornBytes} bytes), {stats.Records} records in the journal at the end");
        Assert.That((stats.Lost, stats.Duplicates), Is.EqualTo((0, 0)));
    }

    private static List<string> RunUntilKilled(string directory, int killAfter, int seed)
    {
        using var process = Process.Start(CrashHost.StartInfo(directory, seed))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (lines.Count < killAfter)
            {
                var line = process.StandardOutput.ReadLineAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
                if (line is null) Assert.Fail($"the crash host stopped on its own: {stderr.GetAwaiter().GetResult()}");
                lines.Add(line!);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true); // SIGKILL: no finaliser, no flush, no Dispose runs in the host
        }

        // Lines the host wrote between our last read and the kill were promised too: drain the pipe.
        var rest = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var complete = rest.EndsWith('\n') ? rest : rest[..(rest.LastIndexOf('\n') + 1)];
        lines.AddRange(complete.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return lines;
    }

    private static void CheckJournal(string directory, Dictionary<long, Guid> promised, int iteration, CrashStats stats)
    {
        using var journal = TapJournal.Open(new TapJournalOptions { Directory = directory });
        Assert.That(journal.OpenReport.CorruptRegions, Is.Zero, $"kill {iteration}: a kill must at most tear the tail");
        if (journal.OpenReport.TornTailBytes > 0)
        {
            stats.TornTails++;
            stats.TornBytes += journal.OpenReport.TornTailBytes;
        }

        var all = SampleTaps.ReadAll(journal);
        var bySequence = all.GroupBy(t => t.Sequence).ToDictionary(g => g.Key, g => g.ToList());
        stats.Duplicates = all.Count - bySequence.Count + (all.Count - all.Select(t => t.Id).Distinct().Count());
        stats.Lost = promised.Count(p => !bySequence.TryGetValue(p.Key, out var found) || found[0].Id != p.Value);
        stats.Records = all.Count;
        Assert.That(stats.Lost, Is.Zero, $"kill {iteration}: acknowledged taps missing");
        Assert.That(stats.Duplicates, Is.Zero, $"kill {iteration}: taps stored twice");
    }

    private static (long Sequence, Guid Id) ParseLine(string line)
    {
        var parts = line.Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), Guid.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private sealed class CrashStats
    {
        public long Acknowledged { get; set; }
        public int Lost { get; set; }
        public int Duplicates { get; set; }
        public int TornTails { get; set; }
        public long TornBytes { get; set; }
        public int Records { get; set; }
    }
}
