namespace Validator.Core.Clock;

/// <summary>How far the wall clock can be believed; a Raspberry Pi has no RTC and boots with a guess.</summary>
public enum ClockTrust
{
    /// <summary>Synchronised since boot (NTP, GNSS): dates and times are right.</summary>
    Trusted,

    /// <summary>Not synchronised since boot, but not earlier than the last trusted time: plausible, unproven.</summary>
    Unsynced,

    /// <summary>Not synchronised and earlier than the last trusted time: certainly wrong.</summary>
    BehindLastKnown,
}
