using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Validator.Fares.Bench;

/// <summary>
/// Resident memory from /proc/self/status, sampled every 2 ms on a background thread, plus the kernel's own high-water
/// mark (VmHWM), which catches a peak between two samples. <see cref="Reset"/> starts a new phase: it resets VmHWM to the
/// current RSS through /proc/self/clear_refs (Linux 4.0+) and the sampled maximum with it.
/// </summary>
internal sealed class RssSampler : IDisposable
{
    private readonly SafeFileHandle _status = File.OpenHandle("/proc/self/status");
    private readonly byte[] _buffer = new byte[8192];
    private readonly Thread _thread;
    private readonly Lock _read = new();
    private volatile bool _stop;
    private long _sampledPeak;

    public RssSampler()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "rss-sampler", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Resident set now, bytes.</summary>
    public long Rss => Read().Rss;

    /// <summary>Starts a new phase: peak = RSS now.</summary>
    public void Reset()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        Interlocked.Exchange(ref _sampledPeak, Read().Rss);
    }

    /// <summary>Highest RSS since <see cref="Reset"/>: the larger of the sampled maximum and VmHWM.</summary>
    public long Peak => Math.Max(Interlocked.Read(ref _sampledPeak), Read().Hwm);

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _status.Dispose();
    }

    private void Loop()
    {
        while (!_stop)
        {
            var rss = Read().Rss;
            long seen;
            do seen = Interlocked.Read(ref _sampledPeak);
            while (rss > seen && Interlocked.CompareExchange(ref _sampledPeak, rss, seen) != seen);
            Thread.Sleep(2);
        }
    }

    private (long Rss, long Hwm) Read()
    {
        lock (_read)
        {
            var n = RandomAccess.Read(_status, _buffer, 0);
            var text = Encoding.ASCII.GetString(_buffer, 0, n);
            return (Field(text, "VmRSS:"), Field(text, "VmHWM:"));
        }
    }

    private static long Field(string status, string name)
    {
        var at = status.IndexOf(name, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"/proc/self/status has no {name}");
        var end = status.IndexOf(" kB", at, StringComparison.Ordinal);
        return long.Parse(status.AsSpan(at + name.Length, end - at - name.Length).Trim(), CultureInfo.InvariantCulture) * 1024;
    }
}
