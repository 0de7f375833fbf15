using System.Text.RegularExpressions;

namespace Validator.Testing;

/// <summary>
/// Finds anything that looks like a full card number: a run of 13 to 19 digits (spaces or dashes allowed between
/// groups), standing alone (not inside a longer hex or alphanumeric string such as a token), that passes the Luhn
/// check. Used to prove that logs, outputs and files hold no PAN; tests also search for their own test PANs
/// verbatim, which catches a PAN inside a hex dump.
/// </summary>
public static partial class PanScanner
{
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?:[0-9][ -]?){12,18}[0-9](?![0-9A-Za-z])")]
    private static partial Regex DigitRun();

    /// <summary>Every Luhn-valid 13–19 digit run in <paramref name="text"/>, masked for safe reporting.</summary>
    public static IReadOnlyList<string> Find(string text)
    {
        var hits = new List<string>();
        foreach (Match match in DigitRun().Matches(text))
        {
            var digits = new string(match.Value.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length is >= 13 and <= 19 && Luhn(digits)) hits.Add($"{digits[..2]}…{digits[^4..]} ({digits.Length} digits)");
        }
        return hits;
    }

    /// <summary>Scans every file under <paramref name="folder"/> (binary files as Latin-1, so digit runs still show).</summary>
    public static IReadOnlyList<string> FindInFiles(string folder)
    {
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file));
            hits.AddRange(Find(text).Select(h => $"{Path.GetRelativePath(folder, file)}: {h}"));
        }
        return hits;
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
