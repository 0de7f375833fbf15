namespace Validator.Core.Cards;

/// <summary>Rules for the Primary Account Number as read from tag 5A.</summary>
internal static class Pan
{
    /// <summary>ISO/IEC 7812-1: at most 19 digits.</summary>
    public const int MaxDigits = 19;

    /// <summary>Shortest PAN issued for payment cards (Maestro: 12 digits).</summary>
    public const int MinDigits = 12;

    /// <summary>
    /// Decodes tag 5A (format cn: digits, then F padding) into ASCII digits.
    /// False for any other nibble, digits after padding, or a length outside 12..19.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, Span<byte> digits, out int length)
    {
        length = 0;
        var padding = false;
        for (var i = 0; i < value.Length * 2; i++)
        {
            var nibble = Bcd.Nibble(value, i);
            if (nibble == 0x0F)
            {
                padding = true;
                continue;
            }
            if (nibble > 9 || padding || length >= MaxDigits)
            {
                digits.Clear();
                length = 0;
                return false;
            }
            digits[length++] = (byte)('0' + nibble);
        }
        if (length >= MinDigits) return true;
        digits.Clear();
        length = 0;
        return false;
    }

    /// <summary>True for a YYMM expiry with a month 01..12.</summary>
    public static bool IsExpiry(ReadOnlySpan<byte> yymm)
    {
        if (yymm.Length != 4) return false;
        foreach (var c in yymm)
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
        }
        var month = (yymm[2] - '0') * 10 + (yymm[3] - '0');
        return month is >= 1 and <= 12;
    }
}
