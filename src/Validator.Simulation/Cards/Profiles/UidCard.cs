namespace Validator.Simulation.Cards;

/// <summary>
/// A storage card without ISO 14443-4 (MIFARE Classic, Ultralight): the reader reports a PC/SC part 3 pseudo-ATR and
/// answers GET DATA UID (FF CA 00 00 00) itself; anything else fails as the reader would (6A81).
/// </summary>
public sealed class UidCard : ICardModel
{
    private readonly byte[] _uid;

    /// <summary>Creates a card with <paramref name="uid"/> (4, 7 or 10 bytes) and PC/SC card name <paramref name="cardName"/> (0001 = Classic 1K).</summary>
    public UidCard(byte[] uid, ushort cardName = 0x0001)
    {
        _uid = uid ?? throw new ArgumentNullException(nameof(uid));
        Atr = ContactlessAtr.StorageCard(0x03, cardName);
    }

    /// <inheritdoc />
    public byte[] Atr { get; }

    /// <inheritdoc />
    public void Reset()
    {
    }

    /// <inheritdoc />
    public CardReply Process(ReadOnlySpan<byte> command)
    {
        if (command.Length >= 4 && command[0] == 0xFF && command[1] == 0xCA && command[2] == 0x00)
        {
            return CardReply.Answer(_uid, 0x9000);
        }
        return CardReply.Status(0x6A81);
    }
}
