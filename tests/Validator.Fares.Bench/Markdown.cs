using System.Globalization;
using System.Text;

namespace Validator.Fares.Bench;

/// <summary>
/// The fragment a bench writes for docs/performance.md when given <c>--markdown &lt;path&gt;</c>: tables, each after one
/// line saying what was measured, and one line per target saying met or missed with the value. No header and no
/// date or machine line: the build script adds those when it puts the fragment between the bench's markers.
/// </summary>
internal sealed class Markdown
{
    private readonly StringBuilder _text = new();

    /// <summary>A line of prose (what a table measured, or a remark), followed by an empty line.</summary>
    public Markdown Line(string text)
    {
        _text.Append(text).Append("\n\n");
        return this;
    }

    /// <summary>A table with <paramref name="header"/> and <paramref name="rows"/>.</summary>
    public Markdown Table(string[] header, IEnumerable<string[]> rows)
    {
        _text.Append("| ").AppendJoin(" | ", header).Append(" |\n|");
        foreach (var _ in header) _text.Append("---|");
        _text.Append('\n');
        foreach (var row in rows) _text.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        _text.Append('\n');
        return this;
    }

    /// <summary>"target …: met (value)" or "… missed (value)".</summary>
    public Markdown Target(string target, bool met, string value)
    {
        _text.Append("target ").Append(target).Append(": ").Append(met ? "met" : "**missed**").Append(" (").Append(value).Append(")\n\n");
        return this;
    }

    /// <summary>Writes the fragment to <paramref name="path"/> (when given) and echoes it to the console.</summary>
    public void WriteTo(string? path)
    {
        var text = _text.ToString().TrimEnd('\n') + "\n";
        Console.WriteLine();
        Console.Write(text);
        if (path is null) return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, text);
        Console.WriteLine($"markdown fragment written to {path}");
    }

    /// <summary>Formats with the invariant culture.</summary>
    public static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
