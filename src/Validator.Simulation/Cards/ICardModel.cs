namespace Validator.Simulation.Cards;

/// <summary>
/// The behaviour of a virtual card: its ATR and its answer to each command APDU.
/// Used in process (<see cref="SimulatedCardTransport"/>) and behind the vpcd virtual reader.
/// </summary>
public interface ICardModel
{
    /// <summary>The answer to reset the reader reports for this card.</summary>
    byte[] Atr { get; }

    /// <summary>Called when the card is powered or reset; clears any selected application.</summary>
    void Reset();

    /// <summary>Answers one command APDU.</summary>
    CardReply Process(ReadOnlySpan<byte> command);
}
