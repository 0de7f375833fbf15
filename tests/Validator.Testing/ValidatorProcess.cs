using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using NUnit.Framework;

namespace Validator.Testing;

/// <summary>The <c>validator</c> executable run as its own process, its output collected line by line.</summary>
public sealed class ValidatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _stdoutLines = new();
    private readonly StringBuilder _all = new();
    private readonly Lock _gate = new();

    private ValidatorProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Collect(e.Data, toStdout: true);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data, toStdout: false);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>validator.dll next to the test assembly (the test project references the daemon).</summary>
    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "validator.dll");

    /// <summary>Starts <c>validator args…</c> with extra environment variables.</summary>
    public static ValidatorProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        if (!File.Exists(ExecutablePath)) Assert.Fail($"{ExecutablePath} is missing; the test project must reference Validator.Daemon");
        return StartAssembly(ExecutablePath, args, environment, workingDirectory);
    }

    /// <summary>Starts another .NET program of the repository (e.g. the back office) by its built dll.</summary>
    public static ValidatorProcess StartAssembly(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        if (!File.Exists(dll)) Assert.Fail($"{dll} is missing; build the solution first");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return new ValidatorProcess(Process.Start(start) ?? throw new InvalidOperationException("validator did not start"));
    }

    /// <summary>The operating system's process id (for /proc/&lt;pid&gt;/status).</summary>
    public int Id => _process.Id;

    /// <summary>Everything the process wrote, stdout and stderr interleaved as received.</summary>
    public string Output
    {
        get { lock (_gate) return _all.ToString(); }
    }

    /// <summary>The next line on stdout; fails the test when none comes in time.</summary>
    public string NextLine(TimeSpan timeout)
    {
        if (_stdoutLines.TryTake(out var line, timeout)) return line;
        Assert.Fail($"validator wrote no line within {timeout.TotalSeconds:F0} s; output so far:\n{Output}");
        return string.Empty;
    }

    /// <summary>The next line on stdout, or false when none comes within <paramref name="timeout"/> (no failure).</summary>
    public bool TryNextLine(TimeSpan timeout, out string line)
    {
        if (_stdoutLines.TryTake(out var taken, timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout))
        {
            line = taken;
            return true;
        }
        line = string.Empty;
        return false;
    }

    /// <summary>Skips stdout lines until one contains <paramref name="text"/>; fails the test when none comes in time.</summary>
    public string WaitForLine(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var line = NextLine(deadline - DateTime.UtcNow);
            if (line.Contains(text, StringComparison.Ordinal)) return line;
        }
    }

    /// <summary>Skips stdout lines until one matches <paramref name="pattern"/>; fails the test when none comes in time.</summary>
    public System.Text.RegularExpressions.Match WaitForLine(System.Text.RegularExpressions.Regex pattern, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = pattern.Match(NextLine(deadline - DateTime.UtcNow));
            if (match.Success) return match;
        }
    }

    /// <summary>Waits until every one of <paramref name="texts"/> has appeared on stdout, in any order.</summary>
    public void WaitForAllLines(TimeSpan timeout, params string[] texts)
    {
        var missing = new HashSet<string>(texts, StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        while (missing.Count > 0)
        {
            var line = NextLine(deadline - DateTime.UtcNow);
            missing.RemoveWhere(t => line.Contains(t, StringComparison.Ordinal));
        }
    }

    /// <summary>Kills the process with SIGKILL, as a power cut or the OOM killer would, and waits until it is gone.</summary>
    public void KillHard()
    {
        if (!_process.HasExited && Kill(_process.Id, 9) != 0 && !_process.HasExited) Assert.Fail($"kill -KILL {_process.Id} failed");
        _process.WaitForExit(); // also drains the asynchronous output readers
    }

    /// <summary>Waits for the process to exit and returns its exit code; kills it and fails after the timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"validator did not exit within {timeout.TotalSeconds:F0} s; output:\n{Output}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0) Assert.Fail($"kill -TERM {_process.Id} failed");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Collect(string? line, bool toStdout)
    {
        if (line is null) return;
        lock (_gate) _all.AppendLine(line);
        if (toStdout) _stdoutLines.Add(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        _stdoutLines.Dispose();
    }
}
