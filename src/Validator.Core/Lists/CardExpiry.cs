using System.Globalization;

namespace Validator.Core.Lists;

/// <summary>Card expiry as the number YYMM (2812 for December 2028), the form lists store it in; 0 means unknown.</summary>
public static class CardExpiry
{
    /// <summary>Parses "YYMM"; false for anything else (wrong length, not digits, month outside 1..12).</summary>
    public static bool TryParse(string? yymm, out ushort value)
    {
        value = 0;
        if (yymm is null || yymm.Length != 4) return false;
        if (!ushort.TryParse(yymm, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
        var month = number % 100;
        if (month is < 1 or > 12) return false;
        value = number;
        return true;
    }

    /// <summary>Parses "YYMM" or null; throws <see cref="ArgumentException"/> on anything else.</summary>
    public static ushort ParseOptional(string? yymm, string paramName)
    {
        if (yymm is null) return 0;
        return TryParse(yymm, out var value) ? value : throw new ArgumentException("An expiry is four digits YYMM.", paramName);
    }

    /// <summary>Back to "YYMM"; null for 0.</summary>
    public static string? Format(ushort value) => value == 0 ? null : value.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>
    /// The last local date the card is valid on: EMV application expiry (tag 5F24) names a month and
    /// the card is valid to its end. Two-digit years are 20YY (EMV cards issued after 2000).
    /// </summary>
    public static DateOnly LastValidDay(ushort value)
    {
        var year = 2000 + value / 100;
        var month = value % 100;
        return new DateOnly(year, month, DateTime.DaysInMonth(year, month));
    }
}
