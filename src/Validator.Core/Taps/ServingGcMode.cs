using System.Runtime;

namespace Validator.Core.Taps;

/// <summary>
/// The garbage collector's mode while taps are served. In its default mode the runtime may choose a blocking, compacting
/// full collection when the heap is fragmented, as it is after a full list was built and swapped in: measured at
/// 8–13 ms with every thread stopped, in tap storms 13–50 s after the lists were built (docs/performance.md, GC). In
/// sustained low latency it collects the old generation in the background instead, and blocks for a full collection
/// only when memory runs short. The lists' own collections (after the load at start, after a swap) are explicit and
/// unaffected.
/// </summary>
public static class ServingGcMode
{
    /// <summary>Sets the mode for the process; called once the lists are loaded, before the first tap.</summary>
    public static void Enter() => GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
}
