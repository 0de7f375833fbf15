using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Validator.Fares.Bench;

/// <summary>
/// `validator run` from the ReadyToRun publish as a process of its own, the way systemd runs it: a configuration file,
/// the runtime environment of its systemd unit (deploy/systemd/validator.service), a NOTIFY_SOCKET this bench binds (READY=1 is timed from process start), its output collected, its memory read from
/// /proc. Disposing stops it with SIGTERM (SIGKILL after 15 s).
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Socket _notify;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Line, double AtMs)> _lines = [];
    private readonly Stopwatch _sinceStart;

    private DaemonProcess(Socket notify, Process process, Stopwatch sinceStart)
    {
        _notify = notify;
        _process = process;
        _sinceStart = sinceStart;
    }

    /// <summary>The published daemon, or the path given with --validator.</summary>
    public static string PublishedPath(Options options) =>
        options.Validator ?? Path.Combine(Validator.BenchKit.DaemonEnvironment.RepositoryRoot(), "artifacts", "publish", "linux-x64", "validator");

    /// <summary>
    /// Starts <paramref name="validator"/> in <paramref name="root"/> (emptied first) with the configuration sections
    /// <paramref name="config"/> (Device:DataDirectory is set to root/data, where <paramref name="listStore"/> is copied
    /// as lists.db when given) and the extra <paramref name="environment"/>.
    /// </summary>
    public static DaemonProcess Start(string validator, string root, Dictionary<string, Dictionary<string, string>> config, string? listStore, Dictionary<string, string>? environment)
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        if (listStore is not null) File.Copy(listStore, Path.Combine(data, "lists.db"));
        config["Device"]["DataDirectory"] = data;
        var configPath = Path.Combine(root, "validator.json");
        File.WriteAllText(configPath, JsonSerializer.Serialize(config));
        var socketPath = Path.Combine(root, "notify.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var start = new ProcessStartInfo(validator) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("run");
        start.Environment["VALIDATOR_CONFIG"] = configPath;
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        // The runtime settings its systemd unit gives it on a device (GC knobs the runtime reads only from the environment).
        foreach (var (key, value) in Validator.BenchKit.DaemonEnvironment.Variables()) start.Environment[key] = value;
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        var timer = Stopwatch.StartNew();
        var daemon = new DaemonProcess(socket, Process.Start(start)!, timer);
        daemon._process.OutputDataReceived += (_, e) => daemon.Collect(e.Data);
        daemon._process.ErrorDataReceived += (_, e) => daemon.Collect(e.Data);
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Milliseconds since the process was started.</summary>
    public double ElapsedMs => _sinceStart.Elapsed.TotalMilliseconds;

    /// <summary>Waits for READY=1 on the notify socket; returns milliseconds from process start. Throws with the daemon's output after 60 s or when it exits.</summary>
    public double WaitForReady()
    {
        var buffer = new byte[4096];
        _notify.ReceiveTimeout = 500;
        while (_sinceStart.Elapsed < TimeSpan.FromSeconds(60))
        {
            int n;
            try
            {
                n = _notify.Receive(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                if (_process.HasExited) break;
                continue;
            }
            if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains("READY=1")) return ElapsedMs;
        }
        throw new InvalidOperationException($"the daemon sent no READY=1 within 60 s (exited: {_process.HasExited}); its output:\n{Output}");
    }

    /// <summary>
    /// The first output line containing <paramref name="text"/> and when it came (ms since start), waiting up to
    /// <paramref name="timeout"/>; <paramref name="whileWaiting"/> runs between looks (e.g. a memory sample).
    /// </summary>
    public (string Line, double AtMs) WaitForLine(string text, TimeSpan timeout, Action? whileWaiting = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_lines)
            {
                foreach (var seen in _lines)
                {
                    if (seen.Line.Contains(text, StringComparison.Ordinal)) return seen;
                }
                if (deadline.Elapsed > timeout || _process.HasExited) break;
                if (whileWaiting is null) Monitor.Wait(_lines, 100);
            }
            if (whileWaiting is not null)
            {
                whileWaiting();
                Thread.Sleep(2); // the sampling interval; the line itself is signalled, the memory is not
            }
        }
        throw new InvalidOperationException($"the daemon logged no '{text}' within {timeout.TotalSeconds:F0} s (exited: {_process.HasExited}); its output:\n{Output}");
    }

    /// <summary>A field of /proc/{pid}/status in MB (VmRSS, VmHWM, ...).</summary>
    public double StatusMb(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// Resident memory now, in MB, from one read of /proc/{pid}/status: the whole (VmRSS) and its parts: anonymous
    /// memory (the heaps, the lists), file pages (the mapped runtime and ReadyToRun images, which the kernel can drop and
    /// read again) and shared memory (the runtime's executable memory, double-mapped through a memfd).
    /// </summary>
    public Resident Memory()
    {
        var fields = File.ReadLines($"/proc/{_process.Id}/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
        double Mb(string name) => long.Parse(fields[name].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024.0;
        return new Resident(Mb("VmRSS"), Mb("RssAnon"), Mb("RssFile"), Mb("RssShmem"));
    }

    /// <summary>Resets the kernel's peak (VmHWM) to the current RSS, so the next peak read is of what follows (Linux 4.0+).</summary>
    public void ResetPeak() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    /// <summary>Everything the daemon printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_lines) return _output.ToString();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!_process.WaitForExit(15_000)) _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        _notify.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_lines)
        {
            _output.AppendLine(line);
            _lines.Add((line, ElapsedMs));
            Monitor.PulseAll(_lines);
        }
    }
}

/// <summary>Resident memory in MB: the whole and its anonymous, file and shared parts.</summary>
internal readonly record struct Resident(double Rss, double Anonymous, double File, double Shared);
