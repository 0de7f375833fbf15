namespace Validator.Simulation.Cards;

/// <summary>Builds BER-TLV bytes for virtual cards (tags up to three bytes, lengths up to 65535).</summary>
public static class SimTlv
{
    /// <summary>One data object: tag, length, then the concatenated <paramref name="parts"/>.</summary>
    public static byte[] Tlv(uint tag, params byte[][] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var value = Join(parts);
        var tagBytes = tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1;
        var lengthBytes = value.Length < 0x80 ? 1 : value.Length < 0x100 ? 2 : 3;
        var result = new byte[tagBytes + lengthBytes + value.Length];
        var i = 0;
        for (var b = tagBytes - 1; b >= 0; b--) result[i++] = (byte)(tag >> (8 * b));
        if (lengthBytes == 1)
        {
            result[i++] = (byte)value.Length;
        }
        else
        {
            result[i++] = (byte)(0x80 | (lengthBytes - 1));
            if (lengthBytes == 3) result[i++] = (byte)(value.Length >> 8);
            result[i++] = (byte)value.Length;
        }
        value.CopyTo(result, i);
        return result;
    }

    /// <summary>Concatenates byte arrays.</summary>
    public static byte[] Join(params byte[][] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    /// <summary>Digits as packed BCD, padded with F to whole bytes (EMV format cn).</summary>
    public static byte[] CompressedNumeric(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var nibbles = digits.Select(c => (byte)(c - '0')).ToList();
        if (nibbles.Count % 2 != 0) nibbles.Add(0x0F);
        var result = new byte[nibbles.Count / 2];
        for (var i = 0; i < result.Length; i++) result[i] = (byte)((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
        return result;
    }

    /// <summary>Track 2 equivalent data (57 / 9F6B): PAN, D, YYMM, service code, discretionary digits, F padding.</summary>
    public static byte[] Track2(string pan, string expiryYymm, string serviceCode = "201", string discretionary = "0000000000000")
    {
        ArgumentNullException.ThrowIfNull(pan);
        var nibbles = pan.Select(c => (byte)(c - '0')).ToList();
        nibbles.Add(0x0D);
        nibbles.AddRange((expiryYymm + serviceCode + discretionary).Select(c => (byte)(c - '0')));
        if (nibbles.Count % 2 != 0) nibbles.Add(0x0F);
        var result = new byte[nibbles.Count / 2];
        for (var i = 0; i < result.Length; i++) result[i] = (byte)((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
        return result;
    }

    /// <summary>ASCII bytes.</summary>
    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);
}
