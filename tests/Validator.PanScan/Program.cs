using System.Text;
using Validator.Testing;

// Usage: Validator.PanScan <folder>...
// Fails (exit 1) when any file under the folders holds a Luhn-valid 13-19 digit run standing alone, or any of the
// test PANs this repository uses (the recorded traces' and the virtual card catalogue's), even inside hex, or BCD-packed in binary.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Validator.PanScan <folder>...");
    return 64;
}

var known = PanScanner.KnownTestPans();
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
        hits.AddRange(PanScanner.FindKnown(Encoding.Latin1.GetBytes(text), known).Select(h => $"{where}: {h}"));
    }
}

Console.WriteLine($"PAN scan: {files} files under {string.Join(", ", args)}: {hits.Count} finding(s)");
foreach (var hit in hits.Take(50)) Console.WriteLine($"  {hit}");
return hits.Count == 0 ? 0 : 1;
