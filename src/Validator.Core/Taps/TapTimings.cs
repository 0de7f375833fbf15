namespace Validator.Core.Taps;

/// <summary>Where one tap's time went, from the card-present event to the first feedback pin change.</summary>
/// <param name="Connect">Card-present event to a connected card (pcscd connect).</param>
/// <param name="Read">The card read: every APDU, tokenising.</param>
/// <param name="Decide">The fare decision.</param>
/// <param name="Journal">The durable journal write.</param>
/// <param name="Feedback">Starting the feedback (first pin change).</param>
public readonly record struct TapTimings(TimeSpan Connect, TimeSpan Read, TimeSpan Decide, TimeSpan Journal, TimeSpan Feedback)
{
    /// <summary>Card-present event to first feedback.</summary>
    public TimeSpan Total => Connect + Read + Decide + Journal + Feedback;
}
