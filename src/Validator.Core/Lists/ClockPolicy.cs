namespace Validator.Core.Lists;

/// <summary>How decisions are taken when the clock is behind the last trusted time (no RTC, no sync yet).</summary>
public enum ClockPolicy
{
    /// <summary>
    /// Judge dates (pass validity, card expiry) by the last trusted date, and skip weekday and time-of-day checks
    /// because the time of day is unknown. A student is not turned away because the bus booted with a clock in 1970.
    /// </summary>
    UseLastTrustedDate = 0,

    /// <summary>Judge by the device clock as it is; the tap is still flagged.</summary>
    UseClock = 1,
}
