using System.Diagnostics.Tracing;
using System.Globalization;

namespace Validator.TapBench;

/// <summary>
/// Where a storm's allocations go, by type (`--alloc-top N`): the runtime's AllocationTick events, one per ~100 KB
/// allocated, naming the type of the object that crossed the mark, summed per type. A sample, not a count: over a
/// storm of a minute or more a type's share of the sampled bytes is its share of what was allocated. Not part of
/// the GC bench: at the Verbose level it needs, the listener costs time of its own.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null || e.Payload is null) return;
        var typeAt = e.PayloadNames.IndexOf("TypeName");
        var amountAt = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeAt < 0 || amountAt < 0) return;
        var type = e.Payload[typeAt] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[amountAt], CultureInfo.InvariantCulture);
        lock (_lock) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    /// <summary>The <paramref name="count"/> types that took the most sampled bytes, with their share, one line each.</summary>
    public IEnumerable<string> Report(int count, long taps)
    {
        KeyValuePair<string, long>[] all;
        lock (_lock) all = [.. _bytes.OrderByDescending(kv => kv.Value)];
        var total = all.Sum(kv => kv.Value);
        yield return string.Create(CultureInfo.InvariantCulture, $"allocation by type, sampled (AllocationTick): {total / 1048576.0:F0} MB over {taps:N0} taps");
        foreach (var (type, bytes) in all.Take(count))
            yield return string.Create(CultureInfo.InvariantCulture, $"  {100.0 * bytes / total,5:F1} %  {bytes / 1024.0 / Math.Max(1, taps),7:F2} KiB/tap  {type}");
    }
}
