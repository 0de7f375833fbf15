using Validator.Core.Cards;
using Validator.Core.Clock;

namespace Validator.Core.Fares;

/// <summary>Everything about one tap that the fare engine judges, apart from the lists and the recent taps.</summary>
public sealed record FareRequest
{
    /// <summary>The card read: an identity, or why there is none.</summary>
    public required CardReadResult Read { get; init; }

    /// <summary>The clock at the tap and how far to trust it.</summary>
    public required ClockReading Clock { get; init; }

    /// <summary>Line, stop and zone of the bus.</summary>
    public TapLocation Location { get; init; } = TapLocation.Unknown;
}
