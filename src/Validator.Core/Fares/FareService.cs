using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Lists;

namespace Validator.Core.Fares;

/// <summary>
/// The tap path's entry to the fare rules: reads the clock, takes the current lists once, asks the
/// <see cref="FareEngine"/>, and remembers accepted taps for the repeat-tap rule.
/// </summary>
public sealed class FareService
{
    private readonly LiveLists _lists;
    private readonly ClockTrustMonitor _clock;
    private readonly RepeatTapTracker _recent;

    /// <summary>Creates the service over the live lists, the clock monitor and the repeat-tap memory.</summary>
    public FareService(LiveLists lists, ClockTrustMonitor clock, RepeatTapTracker recent)
    {
        _lists = lists ?? throw new ArgumentNullException(nameof(lists));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _recent = recent ?? throw new ArgumentNullException(nameof(recent));
    }

    /// <summary>Decides one tap at <paramref name="location"/>.</summary>
    public FareDecision Decide(CardReadResult read, TapLocation location)
    {
        ArgumentNullException.ThrowIfNull(read);
        var request = new FareRequest { Read = read, Clock = _clock.Read(), Location = location ?? TapLocation.Unknown };
        var decision = FareEngine.Decide(request, _lists.Current, _recent);
        if (decision.Outcome == FareOutcome.Accepted && read.Identity is { } card)
        {
            _recent.Record(card.Token, new RecentTap(request.Clock.Now, decision.Product));
        }
        return decision;
    }
}
