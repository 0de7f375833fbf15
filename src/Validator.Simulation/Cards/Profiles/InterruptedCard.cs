namespace Validator.Simulation.Cards;

/// <summary>How an <see cref="InterruptedCard"/> stops.</summary>
public enum Interruption
{
    /// <summary>The card is pulled out of the field.</summary>
    Removed,

    /// <summary>The card stays in the field but stops answering.</summary>
    Silence,
}

/// <summary>Wraps a card that answers the first <see cref="AnsweredCommands"/> commands, then is pulled or goes silent.</summary>
public sealed class InterruptedCard : ICardModel
{
    private readonly ICardModel _card;
    private int _count;

    /// <summary>Wraps <paramref name="card"/>: it answers <paramref name="answeredCommands"/> commands, then <paramref name="interruption"/>.</summary>
    public InterruptedCard(ICardModel card, int answeredCommands, Interruption interruption = Interruption.Removed)
    {
        _card = card ?? throw new ArgumentNullException(nameof(card));
        ArgumentOutOfRangeException.ThrowIfNegative(answeredCommands);
        AnsweredCommands = answeredCommands;
        Interruption = interruption;
    }

    /// <summary>Commands answered before the interruption.</summary>
    public int AnsweredCommands { get; }

    /// <summary>Pulled or silent.</summary>
    public Interruption Interruption { get; }

    /// <inheritdoc />
    public byte[] Atr => _card.Atr;

    /// <inheritdoc />
    public void Reset()
    {
        _count = 0;
        _card.Reset();
    }

    /// <inheritdoc />
    public CardReply Process(ReadOnlySpan<byte> command)
    {
        if (_count++ >= AnsweredCommands)
        {
            return Interruption == Interruption.Removed ? CardReply.Removed : CardReply.Silence;
        }
        return _card.Process(command);
    }
}
