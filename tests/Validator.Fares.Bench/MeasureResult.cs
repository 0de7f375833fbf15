namespace Validator.Fares.Bench;

/// <summary>What one size's measurement found; the child process writes it as JSON for the parent's tables.</summary>
internal sealed record MeasureResult
{
    public int Deny { get; init; }
    public int Entitlements { get; init; }
    public int Decisions { get; init; }
    public double StoreMb { get; init; }
    public double BuildMs { get; init; }
    public double MedianUs { get; init; }
    public double P99Us { get; init; }
    public double P999Us { get; init; }
    public double LimitMedianUs { get; init; }
    public double LimitP99Us { get; init; }
    public double PeakStartMb { get; init; }
    public double AfterStartMb { get; init; }
    public double ServiceMb { get; init; }
    public double PeakDeltaMb { get; init; }
    public double PeakApplyMb { get; init; }
    public double AfterApplyMb { get; init; }
    public double DeltaMs { get; init; }
    public double SnapshotMs { get; init; }
    public double IdleTapP99Us { get; init; }
    public double DeltaTapP99Us { get; init; }
    public double ApplyTapP99Us { get; init; }
    public double IdleDueP99Ms { get; init; }
    public double ApplyDueP99Ms { get; init; }
}
