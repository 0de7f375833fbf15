namespace Validator.Core.Fares;

/// <summary>The four answers a tap can get.</summary>
public enum FareOutcome
{
    /// <summary>Travel allowed: a valid pass, or a pay-as-you-go charge.</summary>
    Accepted,

    /// <summary>The same card was accepted moments ago; allowed, and never charged again.</summary>
    AlreadyValidated,

    /// <summary>Travel refused.</summary>
    Rejected,

    /// <summary>No decision possible (the read failed); the student should tap again.</summary>
    TapAgain,
}
