namespace Validator.Core.Clock;

/// <summary>The wall clock at one moment, with how far to believe it.</summary>
/// <param name="Now">The device clock (UTC).</param>
/// <param name="Trust">Whether the clock is synchronised, or behind the last trusted time.</param>
/// <param name="LastTrusted">The latest time known to have been right; null when never synchronised.</param>
public readonly record struct ClockReading(DateTimeOffset Now, ClockTrust Trust, DateTimeOffset? LastTrusted)
{
    /// <summary>A synchronised clock reading <paramref name="now"/>.</summary>
    public static ClockReading TrustedAt(DateTimeOffset now) => new(now, ClockTrust.Trusted, now);
}
