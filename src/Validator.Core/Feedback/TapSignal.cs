namespace Validator.Core.Feedback;

/// <summary>What the driver and the student must learn from one tap; docs/feedback.md maps each to LEDs and buzzer.</summary>
public enum TapSignal
{
    /// <summary>Travel allowed: a valid pass or a pay-as-you-go tap.</summary>
    Accepted,

    /// <summary>The same card was already validated on this trip (repeat tap); still allowed.</summary>
    AlreadyValidated,

    /// <summary>Travel refused: no ticket, expired, card not supported.</summary>
    Rejected,

    /// <summary>Travel refused because the card is on the deny list; louder than <see cref="Rejected"/> so the driver notices.</summary>
    RejectedDenyList,

    /// <summary>No decision was possible (read error, card pulled, several cards): the student should tap again.</summary>
    TapAgain,
}
