using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Validator.TapBench;

/// <summary>
/// Stalls of the machine itself, seen from outside the measured process: one child process per CPU, its meter thread
/// pinned to that CPU at real-time priority (SCHED_FIFO, so no thread of the machine delays its wake-up), asking to
/// sleep 1 ms again and again and noting every wake-up at least <see cref="ThresholdMs"/> late. Such a stall is the
/// CPU taken away (the hypervisor, an interrupt storm), not anything this process did: a GC here stops only this
/// process's threads, and the meter process allocates nothing while it measures, so its own GC never runs.
/// </summary>
internal sealed class MachineStallMeter : IDisposable
{
    public const double ThresholdMs = 1;
    public const string ChildArgument = "--stall-meter-cpu";
    private readonly List<(int Cpu, Process Process, Task<string> Output)> _children = [];

    private MachineStallMeter()
    {
    }

    /// <summary>
    /// Starts a meter on every CPU and waits until each one measures. The first one also watches the run-queue wait of
    /// the thread <paramref name="watchThread"/> of this process (its /proc schedstat): when it waited for a CPU.
    /// </summary>
    public static MachineStallMeter Start(int watchThread)
    {
        var meter = new MachineStallMeter();
        try
        {
            for (var cpu = 0; cpu < Environment.ProcessorCount; cpu++)
            {
                var start = SelfProcess.StartInfo(redirect: true, ChildArgument, cpu.ToString(CultureInfo.InvariantCulture));
                if (cpu == 0) start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"/proc/{Environment.ProcessId}/task/{watchThread}/schedstat"));
                var process = Process.Start(start) ?? throw new InvalidOperationException("the stall meter did not start");
                var ready = process.StandardOutput.ReadLine();
                if (ready is null || !ready.StartsWith("measuring", StringComparison.Ordinal))
                {
                    // Not in _children yet, so the cleanup below would not see it: a real-time child must not be left behind.
                    process.Kill();
                    process.Dispose();
                    throw new InvalidOperationException($"stall meter on CPU {cpu}: {ready ?? "exited"}");
                }
                meter.RealTime &= ready.Contains("SCHED_FIFO", StringComparison.Ordinal);
                meter._children.Add((cpu, process, process.StandardOutput.ReadToEndAsync()));
            }
        }
        catch
        {
            meter.Dispose();
            throw;
        }

        return meter;
    }

    /// <summary>Whether every meter got real-time priority (needs root or CAP_SYS_NICE); without it a busy CPU delays its wake-ups too.</summary>
    public bool RealTime { get; private set; } = true;

    /// <summary>
    /// Stops the meters and returns every stall each saw (its CPU, when the late sleep began and when it woke, UTC) and
    /// every time the watched thread waited ≥ <see cref="WaitThresholdMs"/> for a CPU between two looks.
    /// </summary>
    public (IReadOnlyList<MachineStall> Stalls, IReadOnlyList<RunQueueWait> Waits) Stop()
    {
        var stalls = new List<MachineStall>();
        var waits = new List<RunQueueWait>();
        foreach (var (cpu, process, output) in _children)
        {
            process.StandardInput.Close(); // the meter's signal to stop and report
            if (!process.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException($"stall meter on CPU {cpu} did not stop");
            foreach (var line in output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                if (parts[0] == "W")
                {
                    waits.Add(new RunQueueWait(
                        new DateTime(long.Parse(parts[1], CultureInfo.InvariantCulture), DateTimeKind.Utc),
                        new DateTime(long.Parse(parts[2], CultureInfo.InvariantCulture), DateTimeKind.Utc),
                        long.Parse(parts[3], CultureInfo.InvariantCulture) / 1e6));
                    continue;
                }

                stalls.Add(new MachineStall(cpu,
                    new DateTime(long.Parse(parts[0], CultureInfo.InvariantCulture), DateTimeKind.Utc),
                    new DateTime(long.Parse(parts[1], CultureInfo.InvariantCulture), DateTimeKind.Utc)));
            }
        }

        return (stalls, waits);
    }

    public const double WaitThresholdMs = 0.5;

    public void Dispose()
    {
        foreach (var (_, process, _) in _children)
        {
            try
            {
                if (!process.HasExited) process.Kill();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            process.Dispose();
        }
    }

    /// <summary>
    /// The child: measures on <paramref name="cpu"/> until its standard input closes, then prints its stalls; with
    /// <paramref name="schedstat"/>, also looks at that thread's run-queue wait (its second field, ns) at each wake-up.
    /// </summary>
    public static int RunChild(int cpu, string? schedstat)
    {
        var stalls = new (long Begin, long End)[1 << 20]; // allocated up front: nothing is allocated while measuring
        var waits = new (long Begin, long End, long Nanoseconds)[1 << 20];
        var buffer = new byte[128];
        using var watched = schedstat is null ? null : File.OpenHandle(schedstat);
        var count = 0;
        var waitCount = 0;
        var stop = 0;
        var meter = new Thread(() =>
        {
            var mask = 1UL << cpu;
            var pinned = SchedSetAffinity(0, sizeof(ulong), ref mask) == 0;
            var priority = 50;
            var realTime = SchedSetScheduler(0, SchedFifo, ref priority) == 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"measuring on CPU {cpu}{(pinned ? "" : " (not pinned)")}, {(realTime ? "SCHED_FIFO" : "normal priority")}"));
            var threshold = TimeSpan.FromMilliseconds(1 + ThresholdMs);
            var lastWait = ReadWait(watched, buffer);
            var lastLook = DateTime.UtcNow;
            while (Volatile.Read(ref stop) == 0 && count < stalls.Length && waitCount < waits.Length)
            {
                var before = DateTime.UtcNow;
                Thread.Sleep(1);
                var after = DateTime.UtcNow;
                if (after - before >= threshold) stalls[count++] = (before.Ticks, after.Ticks);
                if (watched is null) continue;
                var wait = ReadWait(watched, buffer);
                var now = DateTime.UtcNow;
                if (wait - lastWait >= (long)(WaitThresholdMs * 1e6)) waits[waitCount++] = (lastLook.Ticks, now.Ticks, wait - lastWait);
                if (wait >= 0) (lastWait, lastLook) = (wait, now);
            }
        })
        { IsBackground = true, Name = "stall meter" };
        meter.Start();
        Console.In.ReadToEnd();
        Volatile.Write(ref stop, 1);
        meter.Join();
        var output = new System.Text.StringBuilder();
        for (var i = 0; i < count; i++) output.Append(CultureInfo.InvariantCulture, $"{stalls[i].Begin} {stalls[i].End}\n");
        for (var i = 0; i < waitCount; i++) output.Append(CultureInfo.InvariantCulture, $"W {waits[i].Begin} {waits[i].End} {waits[i].Nanoseconds}\n");
        Console.Write(output.ToString());
        return 0;
    }

    /// <summary>The second field of a schedstat file (time spent waiting on a run queue, ns), read without allocating; -1 if unreadable.</summary>
    internal static long ReadWait(Microsoft.Win32.SafeHandles.SafeFileHandle? file, byte[] buffer)
    {
        if (file is null) return -1;
        int read;
        try
        {
            read = RandomAccess.Read(file, buffer, 0);
        }
        catch (IOException)
        {
            return -1; // the thread ended
        }

        var field = 0;
        long value = 0;
        for (var i = 0; i < read; i++)
        {
            var b = buffer[i];
            if (b == (byte)' ')
            {
                if (field == 1) return value;
                field++;
                value = 0;
            }
            else if (field == 1)
            {
                value = (value * 10) + (b - (byte)'0');
            }
        }

        return -1;
    }

    private const int SchedFifo = 1;

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static extern int SchedSetScheduler(int pid, int policy, ref int priority);
}

/// <summary>Between two looks at Begin and End, the watched thread waited <paramref name="Milliseconds"/> on a run queue for a CPU.</summary>
internal readonly record struct RunQueueWait(DateTime Begin, DateTime End, double Milliseconds)
{
    public bool Overlaps(GcPause pause) => pause.Overlaps(Begin, End);
}

/// <summary>One late wake-up of the stall meter on <paramref name="Cpu"/>: it asked to sleep 1 ms at Begin and ran again at End.</summary>
internal readonly record struct MachineStall(int Cpu, DateTime Begin, DateTime End)
{
    public double LateMilliseconds => (End - Begin).TotalMilliseconds - 1;

    public bool Overlaps(GcPause pause) => pause.Overlaps(Begin, End);
}
