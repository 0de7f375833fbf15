using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Feedback;

namespace Validator.Core.Taps;

/// <summary>What became of one tap: the read, the decision, the journal entry and the signal shown.</summary>
/// <param name="Read">The card read result.</param>
/// <param name="Decision">The fare decision.</param>
/// <param name="Record">The journal entry with its sequence number; null when the journal could not store it.</param>
/// <param name="Signal">The signal shown to the student and driver.</param>
/// <param name="Timings">Where the time went.</param>
/// <param name="JournalError">Why the tap could not be stored, when it could not.</param>
public sealed record TapResult(CardReadResult Read, FareDecision Decision, TapRecord? Record, TapSignal Signal, TapTimings Timings, string? JournalError)
{
    /// <summary>
    /// True when the card lay on the reader across a restart after its tap was stored: <see cref="Record"/> is that
    /// earlier tap, its answer was shown again and nothing new was stored.
    /// </summary>
    public bool ShownAgain { get; init; }
}
