using Validator.Core.Lists;
using Validator.Core.Taps;

namespace Validator.Core.Sync;

/// <summary>What a device reports about itself every heartbeat.</summary>
public sealed record Heartbeat
{
    /// <summary>The device clock when the heartbeat was sent.</summary>
    public required DateTimeOffset DeviceTime { get; init; }

    /// <summary>Whether the device trusts its clock (synchronised since boot).</summary>
    public bool ClockTrusted { get; init; }

    /// <summary>Versions of the lists in service.</summary>
    public ListVersions Lists { get; init; }

    /// <summary>Taps journaled but not yet acknowledged by the back office.</summary>
    public long QueueDepth { get; init; }

    /// <summary>Reader state as the device names it ("ready", "no-reader", "pcscd-down").</summary>
    public string ReaderState { get; init; } = "unknown";

    /// <summary>The validator software version.</summary>
    public string SoftwareVersion { get; init; } = "";

    /// <summary>Latency figures measured on the device.</summary>
    public LatencyFigures Latency { get; init; } = new();

    /// <summary>Why the last list update was refused or failed, if it was; null when the lists are current.</summary>
    public string? ListProblem { get; init; }
}

/// <summary>Latency figures a device measures, in milliseconds; null when not measured yet.</summary>
public sealed record LatencyFigures
{
    /// <summary>Median card-present to feedback time.</summary>
    public double? TapP50Ms { get; init; }

    /// <summary>99th percentile card-present to feedback time.</summary>
    public double? TapP99Ms { get; init; }

    /// <summary>Median upload round trip of one batch.</summary>
    public double? UploadP50Ms { get; init; }

    /// <summary>99th percentile upload round trip of one batch.</summary>
    public double? UploadP99Ms { get; init; }

    /// <summary>
    /// Per-step tap latency since the service started (connect, read, decide, journal, disk sync, feedback, total);
    /// null from devices that do not send it or before the first tap.
    /// </summary>
    public IReadOnlyList<StepLatency>? TapSteps { get; init; }
}

/// <summary>The back office's answer to a heartbeat: its clock and the list versions it publishes.</summary>
public sealed record HeartbeatReply
{
    /// <summary>The back office clock when it answered.</summary>
    public required DateTimeOffset ServerTime { get; init; }

    /// <summary>The newest published version of each list; a device behind any of them should update.</summary>
    public required ListVersions Lists { get; init; }
}

/// <summary>What the back office holds about one device; a device may read only its own.</summary>
public sealed record DeviceView
{
    /// <summary>The device's id.</summary>
    public required string DeviceId { get; init; }

    /// <summary>When the device last reached the back office; null if never.</summary>
    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>The last heartbeat received; null if none yet.</summary>
    public Heartbeat? LastHeartbeat { get; init; }

    /// <summary>Taps stored for the device.</summary>
    public long TapsStored { get; init; }

    /// <summary>Highest tap sequence stored for the device.</summary>
    public long HighestSequence { get; init; }
}
