using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Validator.Storage.Tests.Journal;

/// <summary>
/// A kill cannot show that data reached the disk (the page cache survives the process), so this test
/// watches the system calls instead: every tap's frame must be fdatasynced before Append returns, and a new
/// segment's directory entry fsynced before a record goes into it.
/// </summary>
public partial class TapJournalSyncOrderTests
{
    [Test]
    public void Every_tap_is_on_disk_before_append_returns_as_the_system_calls_show()
    {
        using var dir = new TempDirectory();
        var trace = Path.Combine(dir.Path, "strace.txt");
        var journal = Path.Combine(dir.Path, "journal");
        var start = CrashHost.StartInfo(journal, seed: 7, taps: 300, "strace", "-f", "-qq", "-o", trace, "-e", "trace=openat,pwrite64,pwritev,fdatasync,fsync,write,ftruncate,rename,renameat,renameat2");
        int exitCode;
        string stdout;
        try
        {
            using var process = Process.Start(start)!;
            stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            exitCode = process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("strace is not installed");
            return;
        }

        Assert.That(exitCode, Is.Zero, stdout);
        var (acknowledged, segments, fromSpare, trims) = CheckOrder(JoinInterrupted(File.ReadAllLines(trace)));
        Assert.That(acknowledged, Is.EqualTo(300));
        Assert.That(segments, Is.GreaterThan(1), "the run should roll over segments so their creation is checked too");
        Assert.That(fromSpare, Is.GreaterThan(0), "some segments should come from a pre-zeroed spare, so its trim and rename are checked too");
        Assert.That(trims, Is.GreaterThanOrEqualTo(fromSpare - 1), "every pre-zeroed segment but the newest was trimmed when it was closed");
    }

    /// <summary>
    /// Walks the trace of the appending thread; fails on the first tap acknowledged before it was synced, and on a new
    /// segment opened while the closing one was trimmed but not yet synced (a closed segment must end at its last record).
    /// </summary>
    private static (int Acknowledged, int Segments, int FromSpare, int Trims) CheckOrder(List<string> lines)
    {
        var frameWriter = lines.Select(l => FrameWrite().Match(l)).First(m => m.Success).Groups["pid"].Value;
        int acknowledged = 0, segments = 0, fromSpare = 0, trims = 0;
        string? segmentFd = null;
        bool directorySynced = false, pending = false, synced = false, trimPending = false;
        // strace pads the pid column, so compare the parsed pid, not a prefix.
        foreach (var line in lines.Where(l => Pid().Match(l) is { Success: true } pid && pid.Groups[1].Value == frameWriter))
        {
            if (line.Contains($" ftruncate({segmentFd},", StringComparison.Ordinal) && line.EndsWith("= 0", StringComparison.Ordinal))
            {
                trimPending = true;
                trims++;
            }
            else if (trimPending && line.Contains($" fdatasync({segmentFd})", StringComparison.Ordinal) && line.EndsWith("= 0", StringComparison.Ordinal))
            {
                trimPending = false;
            }
            else if (SpareRename().IsMatch(line))
            {
                Assert.That(trimPending, Is.False, $"the spare was renamed in before the closing segment's trim was synced: {line}");
                fromSpare++;
            }
            else if (SegmentCreate().Match(line) is { Success: true } created)
            {
                Assert.That(trimPending, Is.False, $"a new segment was opened before the closing segment's trim was synced: {line}");
                segmentFd = created.Groups["fd"].Value;
                directorySynced = false;
                segments++;
            }
            else if (line.Contains(" fsync(", StringComparison.Ordinal) && line.EndsWith("= 0", StringComparison.Ordinal))
            {
                directorySynced = true;
            }
            else if (FrameWrite().Match(line) is { Success: true } write)
            {
                Assert.That(write.Groups["fd"].Value, Is.EqualTo(segmentFd), line);
                Assert.That(directorySynced, Is.True, $"a record went into a new segment before its directory entry was synced: {line}");
                pending = true;
                synced = false;
            }
            else if (pending && line.Contains($" fdatasync({segmentFd})", StringComparison.Ordinal) && line.EndsWith("= 0", StringComparison.Ordinal))
            {
                synced = true;
            }
            else if (AcknowledgedLine().IsMatch(line))
            {
                Assert.That(pending && synced, Is.True, $"tap acknowledged before its frame was fdatasynced: {line}");
                pending = false;
                acknowledged++;
            }
        }

        return (acknowledged, segments, fromSpare, trims);
    }

    /// <summary>
    /// With several threads strace splits a call another thread interrupted into "call(args &lt;unfinished ...&gt;"
    /// and "&lt;... call resumed&gt;) = result"; this puts each call back on one line.
    /// </summary>
    private static List<string> JoinInterrupted(string[] lines)
    {
        const string Unfinished = " <unfinished ...>";
        var open = new Dictionary<string, string>();
        var joined = new List<string>();
        foreach (var line in lines)
        {
            var pid = Pid().Match(line) is { Success: true } m ? m.Groups[1].Value : "";
            if (line.EndsWith(Unfinished, StringComparison.Ordinal))
            {
                open[pid] = line[..^Unfinished.Length];
            }
            else if (Resumed().Match(line) is { Success: true } resumed && open.Remove(pid, out var start))
            {
                joined.Add(start + resumed.Groups["rest"].Value);
            }
            else
            {
                joined.Add(line);
            }
        }

        return joined;
    }

    [GeneratedRegex("""<\.\.\. \w+ resumed>(?<rest>.*)$""")]
    private static partial Regex Resumed();

    [GeneratedRegex("""^(?<pid>\d+)\s+pwrite64\((?<fd>\d+), "\\327JT1""")]
    private static partial Regex FrameWrite();

    [GeneratedRegex("""^(\d+)\s""")]
    private static partial Regex Pid();

    // A new segment is either created (O_CREAT|O_EXCL) or a pre-zeroed spare renamed into place and opened.
    [GeneratedRegex("""openat\(AT_FDCWD, "[^"]+\.tapj", O_RDWR[^)]*\) = (?<fd>\d+)""")]
    private static partial Regex SegmentCreate();

    [GeneratedRegex("""rename(at2?)?\(.*"[^"]*segment\.spare".*"[^"]+\.tapj".*\) = 0$""")]
    private static partial Regex SpareRename();

    [GeneratedRegex("""write\(\d+, "\d+ [0-9a-f]{8}-""")]
    private static partial Regex AcknowledgedLine();
}
