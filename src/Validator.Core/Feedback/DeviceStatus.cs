namespace Validator.Core.Feedback;

/// <summary>The validator's standing state, shown between taps.</summary>
public enum DeviceStatus
{
    /// <summary>The validator is starting and cannot take taps yet.</summary>
    Starting,

    /// <summary>Taps are taken and the back office is reachable.</summary>
    Ready,

    /// <summary>Taps are taken but the back office has been unreachable for a while.</summary>
    Offline,

    /// <summary>Taps are taken but the local lists are older than policy allows.</summary>
    ListsStale,

    /// <summary>Taps cannot be taken (no reader, storage fault).</summary>
    OutOfService,
}
