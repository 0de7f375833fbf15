using Validator.Testing;
using System.Diagnostics;
using Validator.Simulation.Vpcd;

namespace Validator.Pcsc.Tests;

/// <summary>
/// A validator may start before its reader is plugged in, or pcscd may be down for a while: the monitor must
/// wait without burning the Pi's CPU. Measured as the CPU time of the monitor's own thread over a fixed window (its
/// /proc/self/task entry), with the whole test process's share beside it in the message: the process also holds the
/// test runner and what earlier tests left running, which reached 12.7 % on a busy CI machine with the monitor idle.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReaderMonitor_without_readers
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    [OneTimeSetUp]
    public void TakeOverPcscd() => PcscStack.RequireOwned().Kill();

    [OneTimeTearDown]
    public void GiveBackPcscd() => PcscStack.Restart();

    [Test]
    public void With_pcscd_running_and_no_reader_the_monitor_waits_without_spinning()
    {
        using var empty = new PcscdProcess(withVirtualReader: false);
        empty.Start(TimeSpan.FromSeconds(15));
        using var rig = new MonitorRig();
        rig.Expect("service-up");
        Assert.That(rig.Monitor.Readers, Is.Empty);

        var (monitor, process) = CpuShareOver(Window);
        Assert.That(monitor, Is.LessThan(IdleShareLimit), $"the monitor's CPU share while idle with no reader: {monitor:P1} (the whole process: {process:P1})");
        Assert.That(rig.Monitor.ServiceAvailable, Is.True);
        empty.Kill();
    }

    [Test]
    public void With_pcscd_down_the_monitor_retries_at_a_bounded_rate()
    {
        using var rig = new MonitorRig();
        var (monitor, process) = CpuShareOver(Window);
        Assert.That(monitor, Is.LessThan(IdleShareLimit), $"the monitor's CPU share while pcscd is down: {monitor:P1} (the whole process: {process:P1})");
        Assert.That(rig.Monitor.ServiceAvailable, Is.False);
        Assert.That(rig.Monitor.ContextsEstablished, Is.Zero);
    }

    /// <summary>A monitor that spins burns a whole core on its thread (share ≈ 1.0); waiting, it uses next to none.</summary>
    private const double IdleShareLimit = 0.05;

    /// <summary>The monitor thread's share of one CPU over <paramref name="window"/>, and the whole process's.</summary>
    private static (double Monitor, double Process) CpuShareOver(TimeSpan window)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var monitorBefore = ThreadCpuSeconds(MonitorThread);
        var clock = Stopwatch.StartNew();
        // The measurement window itself: nothing is awaited, the monitor's idle cost is what is measured.
        Thread.Sleep(window);
        var monitor = ThreadCpuSeconds(MonitorThread) - monitorBefore;
        self.Refresh();
        var seconds = clock.Elapsed.TotalSeconds;
        return (monitor / seconds, (self.TotalProcessorTime - cpuBefore).TotalSeconds / seconds);
    }

    private const string MonitorThread = "pcsc-monitor";

    /// <summary>User and system CPU time of this process's threads named <paramref name="name"/>, in seconds.</summary>
    private static double ThreadCpuSeconds(string name)
    {
        var ticks = 0L;
        var found = false;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != name) continue;
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // the thread ended meanwhile
            }
            // After the parenthesised name: the state (field 3) first, so utime (field 14) and stime (15) at 11 and 12.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            found = true;
        }
        Assert.That(found, Is.True, $"no thread named {name} in this process");
        return ticks / 100.0; // USER_HZ, 100 on Linux
    }
}
