namespace Validator.Core.Taps;

/// <summary>How long one step of the tap path took, over the taps since the service started; times in milliseconds.</summary>
public sealed record StepLatency
{
    /// <summary>
    /// The step: <c>connect</c>, <c>read</c>, <c>decide</c>, <c>journal</c>, <c>disk sync</c> (the part of the journal
    /// step spent in the storage's sync), <c>feedback</c> or <c>total</c>.
    /// </summary>
    public required string Step { get; init; }

    /// <summary>Taps counted.</summary>
    public long Count { get; init; }

    /// <summary>Median, estimated from the histogram (at most one bucket, 12.2 %, above the true value).</summary>
    public double P50Ms { get; init; }

    /// <summary>95th percentile, estimated the same way.</summary>
    public double P95Ms { get; init; }

    /// <summary>99th percentile, estimated the same way.</summary>
    public double P99Ms { get; init; }

    /// <summary>The longest one, exact.</summary>
    public double MaxMs { get; init; }
}
