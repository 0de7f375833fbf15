namespace Validator.Core.Cards;

/// <summary>Packed decimal as EMV uses it (format n and cn): two digits a byte, F as padding.</summary>
internal static class Bcd
{
    /// <summary>Writes <paramref name="value"/> as packed BCD right-aligned in <paramref name="destination"/>.</summary>
    public static void Write(int value, Span<byte> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            var low = value % 10;
            value /= 10;
            var high = value % 10;
            value /= 10;
            destination[i] = (byte)((high << 4) | low);
        }
    }

    /// <summary>Decodes one packed byte 00..99; false when a nibble is not a digit.</summary>
    public static bool TryDecode(byte value, out int number)
    {
        var high = value >> 4;
        var low = value & 0x0F;
        number = high * 10 + low;
        return high <= 9 && low <= 9;
    }

    /// <summary>The nibble at <paramref name="index"/> (0 = high nibble of the first byte).</summary>
    public static int Nibble(ReadOnlySpan<byte> data, int index) =>
        (index & 1) == 0 ? data[index >> 1] >> 4 : data[index >> 1] & 0x0F;
}
