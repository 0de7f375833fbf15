namespace Validator.Core.Fares;

/// <summary>
/// Stable reason codes carried by every decision, used by feedback and by the upstream record.
/// They are part of the upstream contract: add new ones, never rename.
/// </summary>
public static class FareReasons
{
    /// <summary>A valid pass (entitlement) was found.</summary>
    public const string AcceptedPass = "accepted.pass";

    /// <summary>No pass, pay-as-you-go accepted: a chargeable tap.</summary>
    public const string AcceptedPayAsYouGo = "accepted.payg";

    /// <summary>Accepted within the repeat-tap window already: no second charge.</summary>
    public const string AlreadyValidated = "already-validated.repeat";

    /// <summary>The card is on the deny list.</summary>
    public const string Denied = "rejected.denied";

    /// <summary>No pass and pay-as-you-go not possible for this card.</summary>
    public const string NoTicket = "rejected.no-ticket";

    /// <summary>The card's pass ended before today.</summary>
    public const string PassExpired = "rejected.pass-expired";

    /// <summary>The card's pass starts after today.</summary>
    public const string PassNotYetValid = "rejected.pass-not-yet-valid";

    /// <summary>The card's pass is not valid on this line.</summary>
    public const string WrongLine = "rejected.wrong-line";

    /// <summary>The card's pass is not valid in this zone.</summary>
    public const string WrongZone = "rejected.wrong-zone";

    /// <summary>The card's pass is not valid on this weekday or at this time of day.</summary>
    public const string OutsideTime = "rejected.outside-time";

    /// <summary>The card itself has expired (EMV application expiry).</summary>
    public const string CardExpired = "rejected.card-expired";

    /// <summary>The card carries nothing this validator accepts.</summary>
    public const string NotSupported = "rejected.not-supported";

    /// <summary>Pay-as-you-go refused because the deny list is older than the policy allows.</summary>
    public const string ListsStale = "rejected.lists-stale";

    /// <summary>The card left the field during the read.</summary>
    public const string CardRemoved = "tap-again.card-removed";

    /// <summary>The card stopped answering.</summary>
    public const string Timeout = "tap-again.timeout";

    /// <summary>The card's answer could not be used.</summary>
    public const string ReadError = "tap-again.read-error";

    /// <summary>The reader or the PC/SC service failed during the read.</summary>
    public const string ReaderFault = "tap-again.reader-fault";
}
