using System.Globalization;
using System.Text;

namespace Validator.BenchKit;

/// <summary>
/// The markdown fragment a bench writes with <c>--markdown &lt;path&gt;</c>: tables, each preceded by one line saying
/// what was measured with which parameters, and one line per target ("target …: met (value)"). No header, no date
/// or machine line: build.ps1 bench adds those when it puts the fragment into docs/performance.md. Everything is
/// also printed to the console as it is added.
/// </summary>
public sealed class BenchReport
{
    private readonly StringBuilder _text = new();
    private readonly string? _path;

    /// <summary>A report written to <paramref name="path"/> by <see cref="Save"/>; null writes only to the console.</summary>
    public BenchReport(string? path) => _path = path;

    /// <summary>True once a target was missed.</summary>
    public bool AnyMissed { get; private set; }

    /// <summary>Adds a paragraph of text.</summary>
    public void Line(string text)
    {
        Append(text);
        Append(string.Empty);
    }

    /// <summary>Adds a table preceded by its caption (what was measured, with which parameters).</summary>
    public void Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        Append(caption);
        Append(string.Empty);
        Append("| " + string.Join(" | ", headers) + " |");
        Append("|" + string.Concat(headers.Select(_ => "---|")));
        foreach (var row in rows) Append("| " + string.Join(" | ", row) + " |");
        Append(string.Empty);
    }

    /// <summary>Adds "target <paramref name="what"/>: met/missed (<paramref name="value"/>)".</summary>
    public void Target(string what, bool met, string value)
    {
        AnyMissed |= !met;
        Append(string.Create(CultureInfo.InvariantCulture, $"target {what}: {(met ? "met" : "missed")} ({value})"));
        Append(string.Empty);
    }

    /// <summary>Writes the fragment to the path given at construction (creating its directory), if any.</summary>
    public void Save()
    {
        if (_path is null) return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(_path, _text.ToString().TrimEnd() + "\n");
        Console.WriteLine($"markdown fragment written to {_path}");
    }

    private void Append(string line)
    {
        _text.Append(line).Append('\n');
        Console.WriteLine(line);
    }
}
