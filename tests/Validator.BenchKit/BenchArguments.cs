using System.Globalization;

namespace Validator.BenchKit;

/// <summary>
/// A bench's command line: positional arguments and <c>--name value</c> options (every bench knows
/// <c>--markdown &lt;path&gt;</c>). An unknown option or a value that does not parse is a clear error.
/// </summary>
public sealed class BenchArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal) { "markdown" };

    /// <summary>Splits <paramref name="args"/> into positional arguments and options.</summary>
    public BenchArguments(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= list.Count) throw new ArgumentException($"option {list[i]} needs a value");
                _options[list[i][2..]] = list[++i];
            }
            else
            {
                Positional.Add(list[i]);
            }
        }
    }

    /// <summary>The arguments that are not options, in order.</summary>
    public List<string> Positional { get; } = [];

    /// <summary>The <c>--markdown</c> path, or null.</summary>
    public string? Markdown => _options.GetValueOrDefault("markdown");

    /// <summary>The option's text, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback)
    {
        _known.Add(name);
        return _options.GetValueOrDefault(name) ?? fallback;
    }

    /// <summary>The option as an integer, or <paramref name="fallback"/>.</summary>
    public int Count(string name, int fallback) => (int)Number(name, fallback);

    /// <summary>The option as a number (invariant culture), or <paramref name="fallback"/>.</summary>
    public double Number(string name, double fallback)
    {
        _known.Add(name);
        if (!_options.TryGetValue(name, out var text)) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name} {text}: not a number");
    }

    /// <summary>The positional argument at <paramref name="index"/> as an integer, or <paramref name="fallback"/>.</summary>
    public int PositionalCount(int index, int fallback) => index < Positional.Count ? int.Parse(Positional[index], CultureInfo.InvariantCulture) : fallback;

    /// <summary>Throws when an option was given that the bench never asked for (a typo would otherwise be ignored).</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_known.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}; known: {string.Join(", ", _known.Order(StringComparer.Ordinal).Select(k => "--" + k))}");
    }
}
