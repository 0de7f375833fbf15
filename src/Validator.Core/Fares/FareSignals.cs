using Validator.Core.Feedback;

namespace Validator.Core.Fares;

/// <summary>Maps a decision to what the driver and student see and hear.</summary>
public static class FareSignals
{
    /// <summary>The feedback signal for <paramref name="decision"/>; the deny list gets its own, louder signal.</summary>
    public static TapSignal ToSignal(this FareDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Outcome switch
        {
            FareOutcome.Accepted => TapSignal.Accepted,
            FareOutcome.AlreadyValidated => TapSignal.AlreadyValidated,
            FareOutcome.TapAgain => TapSignal.TapAgain,
            _ when decision.Reason == FareReasons.Denied => TapSignal.RejectedDenyList,
            _ => TapSignal.Rejected,
        };
    }
}
