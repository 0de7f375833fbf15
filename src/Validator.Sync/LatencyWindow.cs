namespace Validator.Sync;

/// <summary>The last 256 durations of something, with percentiles for the heartbeat.</summary>
public sealed class LatencyWindow
{
    private const int Size = 256;
    private readonly Lock _gate = new();
    private readonly double[] _milliseconds = new double[Size];
    private int _count;
    private int _next;

    /// <summary>Records one duration.</summary>
    public void Add(TimeSpan duration)
    {
        lock (_gate)
        {
            _milliseconds[_next] = duration.TotalMilliseconds;
            _next = (_next + 1) % Size;
            _count = Math.Min(_count + 1, Size);
        }
    }

    /// <summary>The <paramref name="percentile"/> (0..100) of the recorded durations in milliseconds; null before the first.</summary>
    public double? Percentile(double percentile)
    {
        double[] sorted;
        lock (_gate)
        {
            if (_count == 0) return null;
            sorted = _milliseconds[.._count];
        }
        Array.Sort(sorted);
        var index = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
