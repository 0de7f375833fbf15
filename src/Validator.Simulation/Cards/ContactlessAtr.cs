namespace Validator.Simulation.Cards;

/// <summary>The ATRs a PC/SC reader builds for contactless cards (PC/SC part 3 3.1.3.2.3).</summary>
public static class ContactlessAtr
{
    /// <summary>An ISO 14443-4 card: 3B 8N 80 01, the N historical bytes, TCK.</summary>
    public static byte[] Iso14443Part4(ReadOnlySpan<byte> historicalBytes)
    {
        if (historicalBytes.Length > 15) throw new ArgumentException("At most 15 historical bytes.", nameof(historicalBytes));
        byte[] atr = [0x3B, (byte)(0x80 | historicalBytes.Length), 0x80, 0x01, .. historicalBytes, 0x00];
        atr[^1] = Tck(atr);
        return atr;
    }

    /// <summary>A storage card: 3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 TCK.</summary>
    public static byte[] StorageCard(byte standard, ushort cardName)
    {
        byte[] atr = [0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, standard, (byte)(cardName >> 8), (byte)cardName, 0x00, 0x00, 0x00, 0x00, 0x00];
        atr[^1] = Tck(atr);
        return atr;
    }

    /// <summary>The check byte: XOR of T0 up to the byte before TCK, so that T0..TCK XOR to zero.</summary>
    private static byte Tck(byte[] atr)
    {
        byte tck = 0;
        for (var i = 1; i < atr.Length - 1; i++) tck ^= atr[i];
        return tck;
    }
}
