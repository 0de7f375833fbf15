using System.Text.Json;
using System.Text.RegularExpressions;
using Validator.Simulation.Cards;

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

    /// <summary>A GUID (8-4-4-4-12 hex): test results are full of them, and one whose first groups are all digits can pass Luhn.</summary>
    [GeneratedRegex(@"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")]
    private static partial Regex Guid();

    /// <summary>Every Luhn-valid 13–19 digit run in <paramref name="text"/>, masked for safe reporting.</summary>
    public static IReadOnlyList<string> Find(string text)
    {
        var hits = new List<string>();
        // No card number is written in GUID form; blank GUIDs out so their digit groups are not read as one.
        text = Guid().Replace(text, g => new string(' ', g.Length));
        foreach (Match match in DigitRun().Matches(text))
        {
            var digits = new string(match.Value.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length is >= 13 and <= 19 && Luhn(digits)) hits.Add($"{digits[..2]}…{digits[^4..]} ({digits.Length} digits)");
        }
        return hits;
    }

    /// <summary>Scans every file under <paramref name="folder"/> (binary files as Latin-1, so digit runs still show).</summary>
    public static IReadOnlyList<string> FindInFiles(string folder) => FindInFiles(folder, []);

    /// <summary>
    /// As <see cref="FindInFiles(string)"/>, and also each of <paramref name="knownPans"/> anywhere in any file: as ASCII
    /// digits (inside hex too) and BCD-packed, as cards send tags 5A and 57 and as a careless binary format would keep them.
    /// </summary>
    public static IReadOnlyList<string> FindInFiles(string folder, IReadOnlyCollection<string> knownPans)
    {
        ArgumentNullException.ThrowIfNull(knownPans);
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            // FIFOs and sockets report length 0 and would block a read.
            if (new FileInfo(file).Length == 0) continue;
            var bytes = File.ReadAllBytes(file);
            var where = Path.GetRelativePath(folder, file);
            hits.AddRange(Find(System.Text.Encoding.Latin1.GetString(bytes)).Select(h => $"{where}: {h}"));
            hits.AddRange(FindKnown(bytes, knownPans).Select(h => $"{where}: {h}"));
        }
        return hits;
    }

    /// <summary>Each of <paramref name="knownPans"/> found in <paramref name="bytes"/> as ASCII digits or BCD-packed (at either nibble).</summary>
    public static IReadOnlyList<string> FindKnown(ReadOnlySpan<byte> bytes, IReadOnlyCollection<string> knownPans)
    {
        ArgumentNullException.ThrowIfNull(knownPans);
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        // The hex digits of the bytes: a BCD-packed PAN reads as its own digits, whichever nibble it starts on.
        var nibbles = Convert.ToHexString(bytes);
        var hits = new List<string>();
        foreach (var pan in knownPans)
        {
            if (text.Contains(pan, StringComparison.Ordinal)) hits.Add($"test PAN ending {pan[^4..]} as digits");
            else if (nibbles.Contains(pan, StringComparison.Ordinal)) hits.Add($"test PAN ending {pan[^4..]} BCD-packed");
        }
        return hits;
    }

    /// <summary>Every PAN the tests use: the virtual card catalogue's and the recorded traces' (their expected PAN).</summary>
    public static IReadOnlyList<string> KnownTestPans()
    {
        var pans = new List<string>
        {
            CardProfiles.DefaultMastercard.Pan, CardProfiles.DefaultMaestro.Pan, CardProfiles.DefaultVisa.Pan,
            CardProfiles.DefaultGirocard.Pan, CardProfiles.DefaultWallet.Pan, "5413330089600010",
        };
        foreach (var trace in CardTestData.TraceFiles())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(CardTestData.Directory, trace)));
            if (doc.RootElement.TryGetProperty("expect", out var expect) && expect.TryGetProperty("pan", out var pan)
                && pan.GetString() is { Length: >= 12 } digits && digits.All(char.IsAsciiDigit))
            {
                pans.Add(digits);
            }
        }
        return pans.Distinct().ToList();
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
