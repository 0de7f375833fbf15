namespace Validator.Core.Cards;

/// <summary>
/// A logical channel to the card in the field: one command APDU in, one response out.
/// Implementations handle ISO 7816-4 61xx (GET RESPONSE) and 6Cxx (wrong Le) themselves,
/// so callers see the final answer.
/// </summary>
public interface ICardChannel
{
    /// <summary>Sends a command APDU; a fault (card pulled, timeout, reader gone) is a result, not an exception.</summary>
    ApduResult Transmit(ReadOnlySpan<byte> command);

    /// <summary>The card's answer to reset (ATR); for contactless cards the reader's pseudo-ATR.</summary>
    ReadOnlyMemory<byte> Atr { get; }

    /// <summary>How many command APDUs were sent to the card so far, including GET RESPONSE and resends.</summary>
    int ApduCount { get; }
}
