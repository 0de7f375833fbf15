using System.Text;
using System.Text.Json;
using Validator.Simulation.Cards;
using Validator.Testing;

// Usage: Validator.PanScan <folder>...
// Fails (exit 1) when any file under the folders holds a Luhn-valid 13-19 digit run standing alone, or any of the
// test PANs this repository uses (the recorded traces' and the virtual card catalogue's), even inside hex.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Validator.PanScan <folder>...");
    return 64;
}

var known = KnownTestPans();
var hits = new List<string>();
var files = 0;
foreach (var folder in args.Where(Directory.Exists))
{
    foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
    {
        // FIFOs and sockets (the runtime's diagnostic pipes live in TMPDIR) report length 0 and would block a read.
        if (new FileInfo(file).Length == 0) continue;
        files++;
        string text;
        try
        {
            text = Encoding.Latin1.GetString(File.ReadAllBytes(file));
        }
        catch (IOException)
        {
            continue; // a file still being written by a process the run left behind
        }
        catch (UnauthorizedAccessException)
        {
            continue;
        }
        var where = Path.GetRelativePath(folder, file);
        hits.AddRange(PanScanner.Find(text).Select(h => $"{where}: {h}"));
        hits.AddRange(known.Where(p => text.Contains(p, StringComparison.Ordinal)).Select(p => $"{where}: test PAN ending {p[^4..]}"));
    }
}

Console.WriteLine($"PAN scan: {files} files under {string.Join(", ", args)}: {hits.Count} finding(s)");
foreach (var hit in hits.Take(50)) Console.WriteLine($"  {hit}");
return hits.Count == 0 ? 0 : 1;

static List<string> KnownTestPans()
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
