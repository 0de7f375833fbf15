namespace Validator.Storage.Journal;

/// <summary>The quota alarm turned on or off.</summary>
public sealed class JournalQuotaEventArgs(bool alarm, long usedBytes, long quotaBytes) : EventArgs
{
    /// <summary>True when the journal uses at least the alarm share of its quota.</summary>
    public bool Alarm { get; } = alarm;

    /// <summary>Bytes the journal's segments use.</summary>
    public long UsedBytes { get; } = usedBytes;

    /// <summary>The configured quota.</summary>
    public long QuotaBytes { get; } = quotaBytes;
}

/// <summary>A read found damaged bytes that recovery had not seen (bit rot after opening); the records around them were still read.</summary>
public sealed class JournalCorruptionEventArgs(string segment, long offset, long length) : EventArgs
{
    /// <summary>File name of the segment.</summary>
    public string Segment { get; } = segment;

    /// <summary>Where the damage starts.</summary>
    public long Offset { get; } = offset;

    /// <summary>How many bytes are damaged.</summary>
    public long Length { get; } = length;
}
