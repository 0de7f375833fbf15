namespace Validator.Core.Clock;

/// <summary>The wall clock at one moment, with how far to believe it.</summary>
/// <param name="Now">The device clock (UTC).</param>
/// <param name="Trust">Whether the clock is synchronised, or behind the last trusted time.</param>
/// <param name="LastTrusted">The latest time known to have been right; null when never synchronised.</param>
/// <param name="Monotonic">
/// The monotonic clock at the same moment (time since an arbitrary start, never set, never jumps); null when unknown.
/// Two readings of one running service are compared by it, so a wall clock set forward or back between them
/// (NTP's first sync on a board without RTC, an operator) does not change how far apart they are.
/// </param>
public readonly record struct ClockReading(DateTimeOffset Now, ClockTrust Trust, DateTimeOffset? LastTrusted, TimeSpan? Monotonic = null)
{
    /// <summary>A synchronised clock reading <paramref name="now"/>.</summary>
    public static ClockReading TrustedAt(DateTimeOffset now) => new(now, ClockTrust.Trusted, now);
}
