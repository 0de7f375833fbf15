using System.Text;
using Validator.Core.Taps;

namespace Validator.Backoffice.Storage;

/// <summary>The rules a tap must meet to be stored; the same privacy rules the device journal enforces.</summary>
internal static class TapValidation
{
    private const int MaxFieldBytes = 256;

    /// <summary>Null when the tap can be stored, else what is wrong with it.</summary>
    public static string? Problem(TapRecord tap)
    {
        if (tap.Id == Guid.Empty) return "the tap has no id";
        if (tap.Sequence < 1) return "the sequence must be at least 1";
        if (tap.Last4 is { } last4 && (last4.Length is < 1 or > 4 || !last4.All(char.IsAsciiDigit)))
            return "last4 must be one to four digits (never more of the card number)";
        if (tap.Expiry is { } expiry && (expiry.Length != 4 || !expiry.All(char.IsAsciiDigit))) return "expiry must be YYMM";
        if (string.IsNullOrEmpty(tap.Decision) || string.IsNullOrEmpty(tap.Reason) || string.IsNullOrEmpty(tap.Brand))
            return "brand, decision and reason are required";
        foreach (var field in new[] { tap.DeviceId, tap.Brand, tap.Decision, tap.Reason, tap.Product, tap.Line, tap.Stop })
        {
            if (field is not null && Encoding.UTF8.GetByteCount(field) > MaxFieldBytes) return $"a text field is longer than {MaxFieldBytes} bytes";
        }
        return null;
    }
}
