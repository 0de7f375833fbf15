using System.Collections.Concurrent;

namespace Validator.Fuzz;

/// <summary>Counts named outcomes (results, status codes, exception kinds) for the statistics line.</summary>
internal sealed class Outcomes
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string name) => _counts.AddOrUpdate(name, 1, (_, n) => n + 1);

    public long this[string name] => _counts.GetValueOrDefault(name);

    public override string ToString() =>
        string.Join(" ", _counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
