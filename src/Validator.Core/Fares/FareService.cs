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

    /// <summary>
    /// Decides a tap. The decision is not remembered yet: call <see cref="Record"/> once the tap is stored, so a tap
    /// that could not be stored never makes the next one look like a repeat.
    /// </summary>
    public FareDecision Decide(CardReadResult read, TapLocation location)
    {
        ArgumentNullException.ThrowIfNull(read);
        var request = new FareRequest { Read = read, Clock = _clock.Read(), Location = location ?? TapLocation.Unknown };
        return FareEngine.Decide(request, _lists.Current, _recent);
    }

    /// <summary>Remembers a stored tap: an accepted one starts the card's repeat-tap window.</summary>
    public void Record(CardReadResult read, FareDecision decision)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Outcome == FareOutcome.Accepted && read.Identity is { } card)
        {
            _recent.Record(card.Token, new RecentTap(decision.DecidedAt, decision.Product, decision.DecidedAtMonotonic));
        }
    }
}
