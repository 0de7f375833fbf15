using System.Text;
using System.Text.RegularExpressions;
using Validator.Testing;

namespace Validator.Fuzz;

/// <summary>
/// Keeps card numbers out of the fuzzer's own output and checks the code under test for leaks. Knows every test PAN
/// (card profiles and recorded traces); finds them as ASCII digits and BCD-packed (as tags 5A and 57 carry them),
/// and any Luhn-valid 13–19 digit run.
/// </summary>
internal static partial class PanGuard
{
    private static readonly List<string> Known = [];

    [GeneratedRegex(@"(?<![0-9A-Za-z])[0-9]{12,19}(?![0-9A-Za-z])")]
    private static partial Regex LongDigitRun();

    public static void AddKnown(string pan)
    {
        lock (Known)
        {
            if (!Known.Contains(pan)) Known.Add(pan);
        }
    }

    public static int KnownCount => Known.Count;

    /// <summary>True when <paramref name="text"/> holds a known PAN, a Luhn-valid digit run, or a bare 12–19 digit run.</summary>
    public static bool TextHasPan(string? text) =>
        text is not null && (Known.Exists(p => text.Contains(p, StringComparison.Ordinal)) || PanScanner.Find(text).Count > 0 || LongDigitRun().IsMatch(text));

    /// <summary>True when <paramref name="bytes"/> hold a known PAN as ASCII digits or BCD-packed (at either nibble).</summary>
    public static bool BytesHavePan(ReadOnlySpan<byte> bytes)
    {
        var latin = Encoding.Latin1.GetString(bytes);
        if (Known.Exists(p => latin.Contains(p, StringComparison.Ordinal)) || PanScanner.Find(latin).Count > 0) return true;
        var hex = Convert.ToHexString(bytes);
        // BCD: the PAN's digits are the hex nibbles; offset by one nibble covers a PAN that starts mid-byte.
        return Known.Exists(p => hex.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>True when <paramref name="bytes"/> hold a known test PAN as ASCII digits or BCD-packed.</summary>
    public static bool BytesHoldKnownPan(ReadOnlySpan<byte> bytes)
    {
        var latin = Encoding.Latin1.GetString(bytes);
        var hex = Convert.ToHexString(bytes);
        return Known.Exists(p => latin.Contains(p, StringComparison.Ordinal) || hex.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>The input as hex, or its SHA-256 and length when it holds a card number.</summary>
    public static string Describe(byte[]? bytes)
    {
        if (bytes is null) return "(no bytes)";
        if (BytesHavePan(bytes))
            return $"{bytes.Length} bytes, sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))} (holds a test card number: not printed; replay with --replay)";
        return bytes.Length <= 4096 ? Convert.ToHexString(bytes) : $"{Convert.ToHexString(bytes.AsSpan(0, 4096))}… ({bytes.Length} bytes)";
    }

    /// <summary>Text safe to print: digit runs that could be a PAN are masked.</summary>
    public static string Safe(string text)
    {
        foreach (var p in Known) text = text.Replace(p, $"[PAN …{p[^4..]}]", StringComparison.Ordinal);
        return LongDigitRun().Replace(text, m => $"[{m.Value.Length} digits …{m.Value[^4..]}]");
    }
}
