namespace Validator.Core.Taps;

/// <summary>Where one tap's time went, from the card-present event to the first feedback pin change.</summary>
/// <param name="Connect">Card-present event to a connected card (pcscd connect).</param>
/// <param name="Read">The card read: every APDU, tokenising.</param>
/// <param name="Decide">The fare decision.</param>
/// <param name="Journal">The durable journal write.</param>
/// <param name="Feedback">Starting the feedback (first pin change).</param>
/// <param name="JournalSync">
/// Of <paramref name="Journal"/>, the time the storage device took to confirm the tap (the sync): the disk's share, not
/// the validator's. Not added to <see cref="Total"/> a second time.
/// </param>
public readonly record struct TapTimings(TimeSpan Connect, TimeSpan Read, TimeSpan Decide, TimeSpan Journal, TimeSpan Feedback, TimeSpan JournalSync = default)
{
    /// <summary>Card-present event to first feedback.</summary>
    public TimeSpan Total => Connect + Read + Decide + Journal + Feedback;
}
