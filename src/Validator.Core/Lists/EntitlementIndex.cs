using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// The entitlements in memory, found by card token and by PAR in constant time. Immutable: a delta builds
/// a new index and leaves this one to the taps still being decided on it.
/// </summary>
public sealed class EntitlementIndex
{
    private readonly Dictionary<string, Entitlement> _byId;
    private readonly Dictionary<CardToken, Entitlement[]> _byToken;
    private readonly Dictionary<string, Entitlement[]> _byPar;

    private EntitlementIndex(Dictionary<string, Entitlement> byId)
    {
        _byId = byId;
        // Built directly rather than with GroupBy: at 100,000 entitlements the groupings would double the load's peak memory.
        _byToken = new Dictionary<CardToken, Entitlement[]>(byId.Count);
        _byPar = new Dictionary<string, Entitlement[]>(StringComparer.Ordinal);
        foreach (var e in byId.Values)
        {
            if (e.Token is { } token) Add(_byToken, token, e);
            if (!string.IsNullOrEmpty(e.Par)) Add(_byPar, e.Par, e);
        }
        _byToken.TrimExcess();
    }

    private static void Add<TKey>(Dictionary<TKey, Entitlement[]> index, TKey key, Entitlement e)
        where TKey : notnull
    {
        // Nearly every card holds one pass, so arrays grow by one rather than keeping List<T> slack.
        index[key] = index.TryGetValue(key, out var held) ? [.. held, e] : [e];
    }

    /// <summary>An index with no entitlements.</summary>
    public static EntitlementIndex Empty { get; } = new(new Dictionary<string, Entitlement>(StringComparer.Ordinal));

    /// <summary>Number of entitlements.</summary>
    public int Count => _byId.Count;

    /// <summary>Builds the index; a repeated id keeps the last one. Throws <see cref="ArgumentException"/> on an unusable entitlement.</summary>
    public static EntitlementIndex Build(IEnumerable<Entitlement> entitlements)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        var byId = new Dictionary<string, Entitlement>(StringComparer.Ordinal);
        foreach (var e in entitlements)
        {
            e.Validate();
            byId[e.Id] = e;
        }
        return new EntitlementIndex(byId);
    }

    /// <summary>The entitlements held by the card's token and by its PAR.</summary>
    public void Find(CardIdentity card, out ReadOnlySpan<Entitlement> byToken, out ReadOnlySpan<Entitlement> byPar)
    {
        ArgumentNullException.ThrowIfNull(card);
        byToken = _byToken.TryGetValue(card.Token, out var t) ? t : [];
        byPar = card.Par is not null && _byPar.TryGetValue(card.Par, out var p) ? p : [];
    }

    /// <summary>The entitlement with this id, if any.</summary>
    public bool TryGet(string id, out Entitlement entitlement) => _byId.TryGetValue(id, out entitlement!);

    /// <summary>All entitlements, in no particular order.</summary>
    public IEnumerable<Entitlement> All => _byId.Values;

    /// <summary>A new index with <paramref name="removedIds"/> taken out and <paramref name="added"/> put in (replacing by id).</summary>
    public EntitlementIndex Apply(IEnumerable<Entitlement> added, IEnumerable<string> removedIds)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removedIds);
        var byId = new Dictionary<string, Entitlement>(_byId, StringComparer.Ordinal);
        foreach (var id in removedIds) byId.Remove(id);
        foreach (var e in added)
        {
            e.Validate();
            byId[e.Id] = e;
        }
        return new EntitlementIndex(byId);
    }
}
