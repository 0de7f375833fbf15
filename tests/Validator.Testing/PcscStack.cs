using NUnit.Framework;
using Validator.Pcsc;
using Validator.Pcsc.Interop;
using Validator.Simulation.Vpcd;

namespace Validator.Testing;

/// <summary>
/// Gives tests a real pcscd with the vpcd virtual reader: the machine's own when one is running with vpcd,
/// otherwise one started here with a reader configuration of its own. Without pcscd or vpcd the tests are
/// ignored on a laptop and fail in CI (CI=true), which must install them.
/// </summary>
public static class PcscStack
{
    public const string ReaderName = "Virtual PCD 00 00";
    private static readonly Lock Gate = new();
    private static PcscdProcess? _owned;
    private static bool _external;
    private static FileStream? _machineLock;

    /// <summary>Fixed path (not TMPDIR, which differs between runs) so every test process on the machine sees it.</summary>
    private const string MachineLockPath = "/tmp/validator-pcscd-tests.lock";

    /// <summary>True when the pcscd in use was started by these tests (so they may kill and restart it).</summary>
    public static bool Owned => _owned is not null;

    public static int Port => _owned?.Port ?? VpcdOptions.DefaultPort;

    /// <summary>Makes sure pcscd with vpcd is up; ignores or fails the calling test when it cannot be had.</summary>
    public static void Require()
    {
        lock (Gate)
        {
            TakeMachineLock();
            if (_owned is { IsRunning: true } || _external) return;
            _owned?.Dispose(); // one we started that a test killed and did not restart
            _owned = null;
            if (!PcscdProcess.TryAcquire(TimeSpan.FromSeconds(15), out var started, out var whyNot)) Unavailable(whyNot!);
            _owned = started;
            _external = started is null;
        }
        WaitForReader(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits until pcscd sees no card on the virtual reader, so a test never starts with the previous test's card.</summary>
    public static void RequireEmptyReader()
    {
        Require();
        var api = LinuxPcscApi.Instance;
        Assert.That(api.EstablishContext(out var context), Is.EqualTo(SCardError.SCARD_S_SUCCESS));
        try
        {
            var reader = new ReaderStateEntry(ReaderName, 0);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                var rv = api.GetStatusChange(context, TimeSpan.FromMilliseconds(500), [reader]);
                if (rv is SCardError.SCARD_S_SUCCESS or SCardError.SCARD_E_TIMEOUT && (reader.EventFlags & ReaderState.Empty) != 0) return;
                if (DateTime.UtcNow > deadline) Assert.Fail($"the virtual reader still holds a card after 10 s ({SCardErrors.Name(rv)}, state {reader.EventFlags})");
                reader.CurrentState = reader.EventState & ~(uint)ReaderState.Changed;
            }
        }
        finally
        {
            api.ReleaseContext(context);
        }
    }

    /// <summary>For tests that kill pcscd: ignored when the machine's pcscd is in use.</summary>
    public static PcscdProcess RequireOwned()
    {
        Require();
        if (_owned is null) Unavailable("uses the machine's running pcscd; restart tests need a pcscd of their own (stop the system pcscd: systemctl stop pcscd.socket pcscd)");
        return _owned!;
    }

    /// <summary>Starts our pcscd again after a test killed it.</summary>
    public static void Restart()
    {
        lock (Gate)
        {
            _owned!.Start(TimeSpan.FromSeconds(15));
        }
        WaitForReader(TimeSpan.FromSeconds(10));
    }

    public static void Shutdown()
    {
        lock (Gate)
        {
            _owned?.Dispose();
            _owned = null;
            _machineLock?.Dispose();
            _machineLock = null;
        }
    }

    /// <summary>
    /// There is one pcscd socket per machine, so test assemblies that use it (run in parallel by `dotnet test`) take
    /// turns: the first to get here holds an exclusive lock file until its run ends; the others wait for it.
    /// </summary>
    private static void TakeMachineLock()
    {
        if (_machineLock is not null) return;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(15);
        while (true)
        {
            try
            {
                _machineLock = new FileStream(MachineLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another test assembly holds pcscd; its lock goes when that process ends.
                Thread.Sleep(TimeSpan.FromMilliseconds(200)); // polling a lock file: there is no event to wait on
            }
        }
    }

    /// <summary>Waits until pcscd lists the virtual reader (it registers readers just after its socket opens).</summary>
    private static void WaitForReader(TimeSpan timeout)
    {
        var api = LinuxPcscApi.Instance;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (api.EstablishContext(out var context) == SCardError.SCARD_S_SUCCESS)
            {
                try
                {
                    if (api.ListReaders(context, out var readers) == SCardError.SCARD_S_SUCCESS && readers.Contains(ReaderName)) return;
                    // Wait for the reader list to change rather than polling it.
                    var pnp = new ReaderStateEntry(PcscConstants.PnpNotification, 0);
                    api.GetStatusChange(context, TimeSpan.Zero, [pnp]);
                    pnp.CurrentState = pnp.EventState;
                    api.GetStatusChange(context, TimeSpan.FromMilliseconds(200), [pnp]);
                }
                finally
                {
                    api.ReleaseContext(context);
                }
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"pcscd did not list '{ReaderName}' within {timeout.TotalSeconds:F0} s");
            Thread.Sleep(50); // only reached when pcscd refused a context: nothing to wait on but time
        }
    }

    /// <summary>Ignores the calling test on a laptop, fails it in CI (CI=true), with what to install or change.</summary>
    public static void Unavailable(string reason)
    {
        var message = $"PC/SC integration test skipped: {reason}";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
        Assert.Ignore(message);
    }
}
