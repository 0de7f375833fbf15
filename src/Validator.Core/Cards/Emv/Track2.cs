namespace Validator.Core.Cards;

/// <summary>
/// Reads PAN and expiry from Track 2 Equivalent Data (tag 57) or Track 2 Data (tag 9F6B):
/// PAN digits, separator D, YYMM, service code, discretionary data, F padding (EMV Book 3 Annex A).
/// </summary>
internal static class Track2
{
    /// <summary>
    /// Writes the PAN as ASCII digits into <paramref name="pan"/> (at least 19 bytes) and the expiry YYMM as ASCII into
    /// <paramref name="expiry"/> (4 bytes). False when the data has no separator, a non-digit, or a PAN of the wrong length.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> track, Span<byte> pan, out int panLength, Span<byte> expiry)
    {
        panLength = 0;
        var nibbles = track.Length * 2;
        var index = 0;
        for (; index < nibbles; index++)
        {
            var nibble = Bcd.Nibble(track, index);
            if (nibble == 0x0D) break;
            if (nibble > 9 || panLength >= Pan.MaxDigits) return Fail(pan, ref panLength);
            pan[panLength++] = (byte)('0' + nibble);
        }
        if (index >= nibbles || panLength < Pan.MinDigits) return Fail(pan, ref panLength);
        if (nibbles - index - 1 < 4) return Fail(pan, ref panLength);
        for (var i = 0; i < 4; i++)
        {
            var nibble = Bcd.Nibble(track, index + 1 + i);
            if (nibble > 9) return Fail(pan, ref panLength);
            expiry[i] = (byte)('0' + nibble);
        }
        return true;
    }

    private static bool Fail(Span<byte> pan, ref int panLength)
    {
        pan.Clear();
        panLength = 0;
        return false;
    }
}
