namespace Validator.Sync.Upload;

/// <summary>How a drain ended.</summary>
public enum UploadOutcome
{
    /// <summary>Every journaled tap is acknowledged.</summary>
    Drained,

    /// <summary>Nothing tried: the persisted backoff has not run out.</summary>
    BackingOff,

    /// <summary>The back office could not be reached or refused the device; backing off now.</summary>
    Failed,
}

/// <summary>What one drain did.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Acknowledged">Taps the back office confirmed in this drain.</param>
/// <param name="SetAside">Taps refused by the back office and set aside.</param>
/// <param name="NextAttemptAt">When the next drain may try; meaningful after a failure or while backing off.</param>
/// <param name="Problem">Why it failed.</param>
public sealed record UploadReport(UploadOutcome Outcome, int Acknowledged, int SetAside, DateTimeOffset NextAttemptAt, string? Problem = null);
