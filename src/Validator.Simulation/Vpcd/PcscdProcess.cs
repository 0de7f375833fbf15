using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Validator.Simulation.Vpcd;

/// <summary>
/// A pcscd started by us in the foreground with a reader configuration of our own that loads the vpcd
/// driver, so tests and the demo get a real PC/SC stack with a virtual reader. pcscd 1.9.9 ignores
/// PCSCLITE_CSOCK_NAME on the daemon side: its socket is always <see cref="SocketPath"/>, so only one pcscd
/// can run on a machine at a time.
/// </summary>
public sealed class PcscdProcess : IDisposable
{
    /// <summary>The client socket of pcscd on Debian.</summary>
    public const string SocketPath = "/run/pcscd/pcscd.comm";

    private static readonly string[] DaemonCandidates = ["/usr/sbin/pcscd", "/usr/local/sbin/pcscd", "/sbin/pcscd"];
    private static readonly string[] DriverCandidates =
    [
        "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
        "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so",
        "/usr/lib64/pcsc/drivers/serial/libifdvpcd.so",
    ];

    private readonly string _configDirectory;
    private readonly int _port;
    private readonly bool _withVirtualReader;
    private Process? _process;

    /// <summary>Prepares a pcscd whose vpcd reader listens on <paramref name="port"/> (and port + 1 for its second slot).</summary>
    /// <param name="port">The vpcd port of slot 0.</param>
    /// <param name="withVirtualReader">False starts pcscd with no reader at all.</param>
    public PcscdProcess(int port = VpcdOptions.DefaultPort, bool withVirtualReader = true)
    {
        _port = port;
        _withVirtualReader = withVirtualReader;
        _configDirectory = Path.Combine(Path.GetTempPath(), $"validator-pcscd-{Environment.ProcessId}-{port}-{Guid.NewGuid():N}");
    }

    /// <summary>The vpcd port of slot 0.</summary>
    public int Port => _port;

    /// <summary>True while the pcscd we started is alive.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The pcscd executable, or null when pcscd is not installed.</summary>
    public static string? DaemonPath => DaemonCandidates.FirstOrDefault(File.Exists);

    /// <summary>The vpcd driver library, or null when vsmartcard-vpcd is not installed.</summary>
    public static string? DriverPath => DriverCandidates.FirstOrDefault(File.Exists);

    /// <summary>What is missing for a pcscd with vpcd, as an install hint; null when both are there.</summary>
    public static string? MissingPrerequisites()
    {
        var missing = new List<string>();
        if (DaemonPath is null) missing.Add("pcscd");
        if (DriverPath is null) missing.Add("vsmartcard-vpcd");
        return missing.Count == 0 ? null : $"needs {string.Join(" and ", missing)}: sudo apt-get install pcscd vsmartcard-vpcd";
    }

    /// <summary>True when some pcscd (ours or the system's) accepts connections.</summary>
    public static bool IsAnyPcscdRunning()
    {
        if (!File.Exists(SocketPath)) return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>True when something listens on TCP <paramref name="port"/> on this machine (from /proc/net/tcp, without connecting).</summary>
    public static bool IsListening(int port)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != "0A") continue; // 0A = LISTEN
                var local = fields[1];
                var colon = local.LastIndexOf(':');
                if (colon > 0 && int.Parse(local.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Gets a pcscd with the vpcd reader: the one running on this machine when it has vpcd, else a new one started here.
    /// </summary>
    /// <param name="timeout">How long to wait for a started pcscd to become ready.</param>
    /// <param name="started">The pcscd started here (the caller stops it), or null when the machine's own is used.</param>
    /// <param name="whyNot">Why there is none, with what to install or change, when false.</param>
    public static bool TryAcquire(TimeSpan timeout, out PcscdProcess? started, out string? whyNot)
    {
        started = null;
        whyNot = MissingPrerequisites();
        if (whyNot is not null) return false;
        if (IsAnyPcscdRunning())
        {
            if (IsListening(VpcdOptions.DefaultPort)) return true;
            whyNot = $"a pcscd is running without the vpcd reader on port {VpcdOptions.DefaultPort}; stop it or add /etc/reader.conf.d/vpcd";
            return false;
        }
        var own = new PcscdProcess();
        try
        {
            own.Start(timeout);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            own.Dispose();
            whyNot = $"could not start pcscd ({ex.Message}); starting it needs root (it creates /run/pcscd)";
            return false;
        }
        started = own;
        return true;
    }

    /// <summary>Starts pcscd and waits until its socket answers and vpcd listens. Throws with the reason otherwise.</summary>
    public void Start(TimeSpan timeout)
    {
        if (IsRunning) return;
        var daemon = DaemonPath ?? throw new InvalidOperationException(MissingPrerequisites());
        var driver = DriverPath ?? throw new InvalidOperationException(MissingPrerequisites());
        if (IsAnyPcscdRunning()) throw new InvalidOperationException($"another pcscd already serves {SocketPath}; stop it first");

        Directory.CreateDirectory(_configDirectory);
        var readerConfig = Path.Combine(_configDirectory, "vpcd");
        if (!_withVirtualReader)
        {
            File.Delete(readerConfig);
        }
        else
        {
            File.WriteAllText(readerConfig, string.Join('\n',
            "FRIENDLYNAME \"Virtual PCD\"",
            $"DEVICENAME   /dev/null:0x{_port:X4}",
            $"LIBPATH      {driver}",
            $"CHANNELID    0x{_port:X4}",
            string.Empty));
        }

        var start = new ProcessStartInfo(daemon)
        {
            ArgumentList = { "--foreground", "--config", _configDirectory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("pcscd did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!(IsAnyPcscdRunning() && (!_withVirtualReader || IsListening(_port))))
        {
            if (_process.HasExited) throw new InvalidOperationException($"pcscd exited with code {_process.ExitCode} at start");
            if (deadline.Elapsed > timeout) throw new TimeoutException($"pcscd did not become ready within {timeout.TotalSeconds:F0} s");
            _process.WaitForExit(TimeSpan.FromMilliseconds(20)); // readiness poll: returns early if pcscd dies
        }
    }

    /// <summary>Kills pcscd with SIGKILL, as a crash would, and waits for it to be gone.</summary>
    public void Kill()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
        // A killed pcscd leaves its socket file behind; the next pcscd replaces it.
    }

    /// <summary>Stops pcscd (SIGKILL; pcscd keeps no state worth a graceful stop here) and removes our configuration.</summary>
    public void Dispose()
    {
        Kill();
        try
        {
            Directory.Delete(_configDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory harms nothing.
        }
    }
}
