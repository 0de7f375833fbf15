using Validator.Core.Clock;
using Validator.Core.Lists;

namespace Validator.Core.Fares;

/// <summary>The answer to one tap, with what the feedback and the upstream record need to know about it.</summary>
public sealed record FareDecision
{
    /// <summary>Accepted, already validated, rejected or tap again.</summary>
    public required FareOutcome Outcome { get; init; }

    /// <summary>Stable reason code, one of <see cref="FareReasons"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>True only for a tap that is to be charged (pay-as-you-go); a repeat tap never is.</summary>
    public bool Chargeable { get; init; }

    /// <summary>The product used (the pass's, or the earlier tap's for a repeat); null for pay-as-you-go and refusals.</summary>
    public string? Product { get; init; }

    /// <summary>Id of the entitlement that allowed the tap.</summary>
    public string? EntitlementId { get; init; }

    /// <summary>Why the card is blocked, when <see cref="Reason"/> is <see cref="FareReasons.Denied"/>.</summary>
    public DenyReason? DenyReason { get; init; }

    /// <summary>How far the clock was trusted when deciding.</summary>
    public ClockTrust ClockTrust { get; init; }

    /// <summary>True when the clock was not synchronised: the back office should treat the time with care.</summary>
    public bool ClockFlagged => ClockTrust != ClockTrust.Trusted;

    /// <summary>The device clock at the tap.</summary>
    public DateTimeOffset DecidedAt { get; init; }

    /// <summary>The monotonic clock at the tap (<see cref="ClockReading.Monotonic"/>), for the repeat-tap window.</summary>
    public TimeSpan? DecidedAtMonotonic { get; init; }

    /// <summary>The time date rules were judged by: the clock, or the last trusted time under <see cref="ClockPolicy.UseLastTrustedDate"/>.</summary>
    public DateTimeOffset JudgedAt { get; init; }

    /// <summary>True when the deny list or the entitlements were older than the policy's limits.</summary>
    public bool ListsStale { get; init; }

    /// <summary>Versions of the lists the decision was taken with.</summary>
    public ListVersions Lists { get; init; }
}
