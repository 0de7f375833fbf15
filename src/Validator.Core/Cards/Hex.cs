using System.Globalization;

namespace Validator.Core.Cards;

/// <summary>Upper-case hexadecimal text for bytes, as APDU traces and tools write them.</summary>
public static class Hex
{
    /// <summary>Formats bytes as upper-case hex without separators.</summary>
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>Parses hex text; spaces are ignored. Throws <see cref="FormatException"/> on anything else.</summary>
    public static byte[] Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var compact = hex.Replace(" ", string.Empty, StringComparison.Ordinal);
        return Convert.FromHexString(compact);
    }

    /// <summary>Parses hex text; false when it is not an even number of hex digits.</summary>
    public static bool TryParse(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (hex is null) return false;
        var compact = hex.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (compact.Length % 2 != 0) return false;
        foreach (var c in compact)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        bytes = Convert.FromHexString(compact);
        return true;
    }

    /// <summary>Formats one byte as two upper-case hex digits.</summary>
    public static string Format(byte value) => value.ToString("X2", CultureInfo.InvariantCulture);
}
