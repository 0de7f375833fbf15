using Validator.Core.Taps;

namespace Validator.Sync.Upload;

/// <summary>Taps the back office refused, kept on the device for a person to look at instead of being retried forever.</summary>
public sealed record SetAsideBatch
{
    /// <summary>When the device set them aside.</summary>
    public required DateTimeOffset SetAsideAt { get; init; }

    /// <summary>What the back office said.</summary>
    public required string Reason { get; init; }

    /// <summary>The refused taps (tokens and last4 only, as journaled).</summary>
    public required IReadOnlyList<TapRecord> Taps { get; init; }
}
