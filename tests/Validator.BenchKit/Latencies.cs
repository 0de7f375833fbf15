using System.Globalization;

namespace Validator.BenchKit;

/// <summary>Measured durations in milliseconds and their percentiles (nearest rank).</summary>
public sealed class Latencies
{
    private readonly List<double> _values = [];
    private double[]? _sorted;

    /// <summary>Adds one measurement in milliseconds.</summary>
    public void Add(double milliseconds)
    {
        _values.Add(milliseconds);
        _sorted = null;
    }

    /// <summary>How many were measured.</summary>
    public int Count => _values.Count;

    /// <summary>The measurements in the order they were added.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>The nearest-rank percentile <paramref name="quantile"/> (0..1).</summary>
    public double P(double quantile)
    {
        if (_values.Count == 0) throw new InvalidOperationException("nothing was measured");
        _sorted ??= [.. _values.Order()];
        return _sorted[Math.Clamp((int)Math.Ceiling(quantile * _sorted.Length) - 1, 0, _sorted.Length - 1)];
    }

    /// <summary>The largest measurement.</summary>
    public double Max => P(1);

    /// <summary>The sum of all measurements.</summary>
    public double Total => _values.Sum();

    /// <summary>Pairwise differences <c>this[i] - other[i]</c> (e.g. the tap path minus its floor).</summary>
    public Latencies Minus(Latencies other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count) throw new ArgumentException("paired measurements need the same count", nameof(other));
        var difference = new Latencies();
        for (var i = 0; i < Count; i++) difference.Add(_values[i] - other._values[i]);
        return difference;
    }

    /// <summary>Table cells: p50, p95, p99, max, in milliseconds with <paramref name="decimals"/> decimals.</summary>
    public string[] Cells(int decimals = 2) => [Ms(P(0.5), decimals), Ms(P(0.95), decimals), Ms(P(0.99), decimals), Ms(Max, decimals)];

    /// <summary>Table cells: p50, p95, p99, max, in microseconds with two decimals.</summary>
    public string[] CellsInMicroseconds() => [Us(P(0.5)), Us(P(0.95)), Us(P(0.99)), Us(Max)];

    /// <summary>A duration given in milliseconds as "12.34 µs".</summary>
    public static string Us(double milliseconds) => (milliseconds * 1000).ToString("F2", CultureInfo.InvariantCulture) + " µs";

    /// <summary>The column headers matching <see cref="Cells"/>.</summary>
    public static string[] Headers => ["p50", "p95", "p99", "max"];

    /// <summary>A duration as "1.23 ms".</summary>
    public static string Ms(double milliseconds, int decimals = 2) =>
        milliseconds.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " ms";
}
