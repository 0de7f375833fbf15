namespace Validator.Storage.Journal;

/// <summary>What recovery found when the journal was opened.</summary>
public sealed record JournalOpenReport
{
    /// <summary>Segment files found.</summary>
    public required int Segments { get; init; }

    /// <summary>Intact records found.</summary>
    public required long Records { get; init; }

    /// <summary>Runs of damaged bytes with intact records after them (checksum failures); the records after were kept.</summary>
    public required int CorruptRegions { get; init; }

    /// <summary>Total bytes in <see cref="CorruptRegions"/>.</summary>
    public required long CorruptBytes { get; init; }

    /// <summary>Bytes of a torn last write cleared at the end of the newest segment (a crash or power loss mid-append), up to its last non-zero byte.</summary>
    public required long TornTailBytes { get; init; }

    /// <summary>True when the upload cursor file failed its check and was reset to 0 (taps are sent again, never lost).</summary>
    public required bool AckFileDamaged { get; init; }

    /// <summary>The sequence the next appended tap gets.</summary>
    public required long NextSequence { get; init; }

    /// <summary>True when nothing needed repair.</summary>
    public bool Clean => CorruptRegions == 0 && TornTailBytes == 0 && !AckFileDamaged;
}
