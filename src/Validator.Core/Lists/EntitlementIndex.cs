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
        _byToken = byId.Values.Where(e => e.Token is not null).GroupBy(e => e.Token!.Value).ToDictionary(g => g.Key, g => g.ToArray());
        _byPar = byId.Values.Where(e => !string.IsNullOrEmpty(e.Par)).GroupBy(e => e.Par!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
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
