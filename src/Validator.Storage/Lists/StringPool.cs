using System.Globalization;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// Shares equal strings and string lists while loading: 100,000 passes name a handful of products and lines,
/// and one copy of each instead of 100,000 keeps the process inside its memory budget.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeWindow[]> _windows = new(StringComparer.Ordinal);

    public string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var pooled)) return pooled;
        _strings[value] = value;
        return value;
    }

    public string[] Intern(string[] values)
    {
        if (values.Length == 0) return [];
        // U+001F cannot occur in line or zone codes, so the join is an unambiguous key.
        var key = string.Join('\u001F', values);
        if (_lists.TryGetValue(key, out var pooled)) return pooled;
        for (var i = 0; i < values.Length; i++) values[i] = Intern(values[i]);
        _lists[key] = values;
        return values;
    }

    public TimeWindow[] Intern(TimeWindow[] windows)
    {
        if (windows.Length == 0) return [];
        var key = string.Join(',', windows.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Start.Ticks}-{w.End.Ticks}")));
        if (_windows.TryGetValue(key, out var pooled)) return pooled;
        _windows[key] = windows;
        return windows;
    }
}
