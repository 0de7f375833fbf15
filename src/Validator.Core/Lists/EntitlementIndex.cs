using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// The entitlements in memory: one array sorted by card token, searched by bisection, plus a small map for those held
/// by PAR. No per-id or per-token dictionaries: at 100,000 entitlements they cost more memory than the entitlements
/// themselves. Immutable: a delta builds a new index and leaves this one to the taps still being decided on it.
/// </summary>
public sealed class EntitlementIndex
{
    private static readonly Comparison<Entitlement> ByToken = static (a, b) => Compare(a.Token, b.Token);

    // Token-held entitlements first (sorted by token), then PAR-only ones; _tokenCount marks the boundary.
    private readonly Entitlement[] _all;
    private readonly int _tokenCount;
    private readonly Dictionary<string, Entitlement[]> _byPar;

    private EntitlementIndex(Entitlement[] all)
    {
        _all = all;
        _tokenCount = all.Count(e => e.Token is not null);
        Array.Sort(_all, (a, b) => (a.Token is null, b.Token is null) switch
        {
            (false, true) => -1,
            (true, false) => 1,
            _ => ByToken(a, b),
        });
        _byPar = new Dictionary<string, Entitlement[]>(StringComparer.Ordinal);
        foreach (var e in all)
        {
            if (!string.IsNullOrEmpty(e.Par)) _byPar[e.Par] = _byPar.TryGetValue(e.Par, out var held) ? [.. held, e] : [e];
        }
    }

    /// <summary>An index with no entitlements.</summary>
    public static EntitlementIndex Empty { get; } = new([]);

    /// <summary>Number of entitlements.</summary>
    public int Count => _all.Length;

    /// <summary>All entitlements, in no particular order.</summary>
    public IEnumerable<Entitlement> All => _all;

    /// <summary>Builds the index; a repeated id keeps the last one. Throws <see cref="ArgumentException"/> on an unusable entitlement.</summary>
    public static EntitlementIndex Build(IEnumerable<Entitlement> entitlements)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        var list = new List<Entitlement>(entitlements is ICollection<Entitlement> known ? known.Count : 0);
        foreach (var e in entitlements)
        {
            e.Validate();
            list.Add(e);
        }
        return new EntitlementIndex(LastPerId(list));
    }

    /// <summary>The entitlements held by the card's token and by its PAR; no allocation.</summary>
    public void Find(CardIdentity card, out ReadOnlySpan<Entitlement> byToken, out ReadOnlySpan<Entitlement> byPar)
    {
        ArgumentNullException.ThrowIfNull(card);
        var start = LowerBound(card.Token);
        var end = start;
        while (end < _tokenCount && _all[end].Token == card.Token) end++;
        byToken = _all.AsSpan(start, end - start);
        byPar = card.Par is not null && _byPar.TryGetValue(card.Par, out var p) ? p : [];
    }

    /// <summary>The entitlement with this id, if any; a linear search, for tools and tests rather than taps.</summary>
    public bool TryGet(string id, out Entitlement entitlement)
    {
        entitlement = Array.Find(_all, e => string.Equals(e.Id, id, StringComparison.Ordinal))!;
        return entitlement is not null;
    }

    /// <summary>A new index with <paramref name="removedIds"/> taken out and <paramref name="added"/> put in (replacing by id).</summary>
    public EntitlementIndex Apply(IEnumerable<Entitlement> added, IEnumerable<string> removedIds)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removedIds);
        var adds = added.ToList();
        foreach (var e in adds) e.Validate();
        var gone = new HashSet<string>(removedIds, StringComparer.Ordinal);
        gone.UnionWith(adds.Select(e => e.Id));
        var kept = _all.Where(e => !gone.Contains(e.Id)).Concat(adds).ToList();
        return new EntitlementIndex(LastPerId(kept));
    }

    private static Entitlement[] LastPerId(List<Entitlement> list)
    {
        var seen = new HashSet<string>(list.Count, StringComparer.Ordinal);
        var unique = new List<Entitlement>(list.Count);
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (seen.Add(list[i].Id)) unique.Add(list[i]);
        }
        return [.. unique];
    }

    private int LowerBound(CardToken token)
    {
        int lo = 0, hi = _tokenCount;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (Compare(_all[mid].Token, token) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int Compare(CardToken? a, CardToken? b)
    {
        if (a is not { } x || b is not { } y) return (a is null).CompareTo(b is null);
        var c = x.High.CompareTo(y.High);
        return c != 0 ? c : x.Low.CompareTo(y.Low);
    }
}
