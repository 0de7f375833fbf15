namespace Validator.Core.Cards;

/// <summary>
/// Reads the ATR a PC/SC reader builds for a contactless card (PC/SC part 3 3.1.3.2.3). A storage card
/// (MIFARE Classic, Ultralight, ...) gets 3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 TCK:
/// SS the standard, NN NN the card name. Such a card speaks no ISO 14443-4, so it has no EMV application.
/// </summary>
internal static class PcscPseudoAtr
{
    private static ReadOnlySpan<byte> StorageCardPrefix => [0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06];

    private static ReadOnlySpan<byte> DesfireAtr => [0x3B, 0x81, 0x80, 0x01, 0x80, 0x80];

    /// <summary>True for a PC/SC part 3 storage-card ATR; gives the standard byte and card name number.</summary>
    public static bool TryParseStorageCard(ReadOnlySpan<byte> atr, out byte standard, out ushort cardName)
    {
        standard = 0;
        cardName = 0;
        if (atr.Length < StorageCardPrefix.Length + 3 || !atr.StartsWith(StorageCardPrefix)) return false;
        standard = atr[12];
        cardName = (ushort)((atr[13] << 8) | atr[14]);
        return true;
    }

    /// <summary>A brand for a card read by UID: the PC/SC card name, DESFire from its ATR, or a generic name.</summary>
    public static string Brand(ReadOnlySpan<byte> atr)
    {
        if (TryParseStorageCard(atr, out _, out var name)) return CardName(name);
        return atr.SequenceEqual(DesfireAtr) ? "MIFARE DESFire" : "Contactless card";
    }

    /// <summary>Names from the PC/SC part 3 supplement (card name registry), for the cards a bus is likely to see.</summary>
    internal static string CardName(ushort name) => name switch
    {
        0x0001 => "MIFARE Classic 1K",
        0x0002 => "MIFARE Classic 4K",
        0x0003 => "MIFARE Ultralight",
        0x0026 => "MIFARE Mini",
        0x0036 => "MIFARE Plus SL1 2K",
        0x0037 => "MIFARE Plus SL1 4K",
        0x0038 => "MIFARE Plus SL2 2K",
        0x0039 => "MIFARE Plus SL2 4K",
        0x003A => "MIFARE Ultralight C",
        0x003B => "FeliCa",
        0x003D => "MIFARE Ultralight EV1",
        0x002F => "Jewel",
        0x0030 => "Topaz",
        0x0014 => "ICODE SLI",
        _ => "Storage card",
    };
}
