namespace Validator.Core.Taps;

/// <summary>
/// One <see cref="LatencyHistogram"/> per step of the tap path, fed with every tap's <see cref="TapTimings"/>. The
/// tap loop records; <c>validator status</c> (through a file the service writes) and the heartbeat read.
/// </summary>
public sealed class TapLatencies
{
    /// <summary>Card-present event (detect) to a connected card.</summary>
    public LatencyHistogram Connect { get; } = new();

    /// <summary>The card read: application selection, every APDU, tokenising.</summary>
    public LatencyHistogram Read { get; } = new();

    /// <summary>The fare decision.</summary>
    public LatencyHistogram Decide { get; } = new();

    /// <summary>The durable journal write.</summary>
    public LatencyHistogram Journal { get; } = new();

    /// <summary>Of the journal write, the storage device's sync: a slow or worn SD card shows here first.</summary>
    public LatencyHistogram DiskSync { get; } = new();

    /// <summary>Starting the feedback (first pin change).</summary>
    public LatencyHistogram Feedback { get; } = new();

    /// <summary>Card-present event to first feedback.</summary>
    public LatencyHistogram Total { get; } = new();

    /// <summary>Taps recorded.</summary>
    public long Count => Total.Count;

    /// <summary>
    /// Counts one tap in every step. A tap that never reached the card (connect failed, mute card) counts with a zero
    /// read: every step counts every tap, so the counts agree with the tap count.
    /// </summary>
    public void Record(TapTimings timings)
    {
        Connect.Record(timings.Connect);
        Read.Record(timings.Read);
        Decide.Record(timings.Decide);
        Journal.Record(timings.Journal);
        DiskSync.Record(timings.JournalSync);
        Feedback.Record(timings.Feedback);
        Total.Record(timings.Total);
    }

    /// <summary>Every step's figures, in tap order, total last; "disk sync" is the part of "journal" the disk took.</summary>
    public IReadOnlyList<StepLatency> Summarize() =>
    [
        Connect.Summarize("connect"),
        Read.Summarize("read"),
        Decide.Summarize("decide"),
        Journal.Summarize("journal"),
        DiskSync.Summarize("disk sync"),
        Feedback.Summarize("feedback"),
        Total.Summarize("total"),
    ];
}
