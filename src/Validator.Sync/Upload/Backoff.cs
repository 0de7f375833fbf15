namespace Validator.Sync.Upload;

/// <summary>The uploader's wait after failed drains: doubling from a base to a cap, with "equal jitter" so a fleet that lost the link together does not come back together.</summary>
internal static class Backoff
{
    /// <summary>The wait after <paramref name="failures"/> failures in a row (≥ 1); between half and all of the doubled delay.</summary>
    public static TimeSpan Delay(int failures, TimeSpan baseDelay, TimeSpan cap, double random)
    {
        var exponent = Math.Min(Math.Max(failures, 1) - 1, 30);
        var full = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), cap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full / 2 + full / 2 * random);
    }
}
