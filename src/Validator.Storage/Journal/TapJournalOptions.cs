namespace Validator.Storage.Journal;

/// <summary>Where the tap journal lives and how long and how much it keeps.</summary>
public sealed class TapJournalOptions
{
    /// <summary>Directory that holds the segments and the upload cursor; created when missing.</summary>
    public string Directory { get; set; } = "";

    /// <summary>A segment is closed and a new one started before it would grow past this size.</summary>
    public long MaxSegmentBytes { get; set; } = 1024 * 1024;

    /// <summary>A segment is closed once it is this old, so retention can delete quiet days on time.</summary>
    public TimeSpan MaxSegmentAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Acknowledged taps are deleted once the newest tap in their segment is older than this (GDPR).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Prepare the next segment zero-filled ahead of time (see docs/journal.md), so each tap's sync is a pure data write.
    /// Off only for a journal that is read and not written, such as the status command's copy.
    /// </summary>
    public bool PrepareSpareSegments { get; set; } = true;

    /// <summary>Disk space the journal should stay within; null for no quota. Exceeding it raises an alarm, it never drops unsent taps.</summary>
    public long? QuotaBytes { get; set; }

    /// <summary>Share of <see cref="QuotaBytes"/> at which <see cref="TapJournal.QuotaAlarm"/> turns on.</summary>
    public double QuotaAlarmRatio { get; set; } = 0.8;

    /// <summary>Throws when a value cannot work.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) throw new ArgumentException("The journal needs a directory.", nameof(Directory));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSegmentBytes, 4096L, nameof(MaxSegmentBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSegmentBytes, (long)int.MaxValue, nameof(MaxSegmentBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxSegmentAge, TimeSpan.Zero, nameof(MaxSegmentAge));
        ArgumentOutOfRangeException.ThrowIfLessThan(Retention, TimeSpan.Zero, nameof(Retention));
        if (QuotaBytes is { } quota) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(quota, 0L, nameof(QuotaBytes));
        if (QuotaAlarmRatio is <= 0 or > 1 || double.IsNaN(QuotaAlarmRatio))
            throw new ArgumentOutOfRangeException(nameof(QuotaAlarmRatio), "The alarm ratio is in (0, 1].");
    }
}
