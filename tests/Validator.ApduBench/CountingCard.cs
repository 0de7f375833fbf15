using Validator.Simulation.Cards;

namespace Validator.ApduBench;

/// <summary>Counts the command APDUs a card receives and the bytes both ways (commands, responses with SW1 SW2).</summary>
internal sealed class CountingCard(ICardModel card) : ICardModel
{
    public int Commands { get; private set; }

    public long Bytes { get; private set; }

    public byte[] Atr => card.Atr;

    public void Reset() => card.Reset();

    public CardReply Process(ReadOnlySpan<byte> command)
    {
        Commands++;
        var reply = card.Process(command);
        Bytes += command.Length + reply.Bytes.Length;
        return reply;
    }
}
