using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Sync.Lists;

/// <summary>
/// Refuses an update that would suddenly turn away many students: a deny list change that newly blocks the cards of
/// more than a share of current entitlements, or an entitlement change that drops more than that share. A bad export
/// in the back office then shows up as a refused update and an alarm, not as a morning of red lights.
/// </summary>
internal static class MassChangeGuard
{
    /// <summary>Null when the change of a package read whole is within bounds, else a description of it.</summary>
    public static string? Problem(ListSnapshot current, ListPackage package, double maxShare, int floor)
    {
        var affected = package.List switch
        {
            ListKind.Deny => NewlyDenied(current, package.DenyAdded ?? package.DenyEntries ?? []),
            ListKind.Entitlements => Dropped(current, package),
            _ => 0,
        };
        return Judge(current, affected, maxShare, floor);
    }

    /// <summary>Null when <paramref name="affected"/> entitlements out of use is within bounds, else a description of it.</summary>
    public static string? Judge(ListSnapshot current, int affected, double maxShare, int floor)
    {
        var total = current.Entitlements.Count;
        if (total == 0 || affected <= floor || affected <= maxShare * total) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"mass-change guard: the update would take {affected} of {total} entitlements out of use ({100.0 * affected / total:0.#} %, limit {100 * maxShare:0.#} %)");
    }

    private static int NewlyDenied(ListSnapshot current, IEnumerable<DenyEntry> added)
    {
        var counter = new NewlyDeniedCounter(current);
        foreach (var entry in added) counter.Add(entry.Token);
        return counter.Affected;
    }

    /// <summary>Current entitlements the package removes (a delta's removals, or those missing from a snapshot).</summary>
    private static int Dropped(ListSnapshot current, ListPackage package)
    {
        if (package.EntitlementsRemoved is { } removed) return current.Entitlements.CountWithIdIn(removed.ToHashSet(StringComparer.Ordinal));
        if (package.Entitlements is not { } all) return 0;
        var kept = all.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        return current.Entitlements.Count - current.Entitlements.CountWithIdIn(kept);
    }
}

/// <summary>
/// Counts the entitlements whose card gets a deny entry and had none before, from the tokens of deny entries seen one
/// at a time (a streamed snapshot): it holds the current entitlements' tokens, never the entries.
/// </summary>
internal sealed class NewlyDeniedCounter(ListSnapshot current)
{
    private readonly HashSet<CardToken> _entitled = current.Entitlements.Tokens.ToHashSet();
    private readonly HashSet<CardToken> _hit = [];

    /// <summary>Notes the token of one entry of the change.</summary>
    public void Add(CardToken token)
    {
        if (_entitled.Contains(token)) _hit.Add(token);
    }

    /// <summary>Entitlements newly blocked by the entries seen.</summary>
    public int Affected => _hit.Count == 0 ? 0 : current.Entitlements.All.Count(e =>
        e.Token is { } token && _hit.Contains(token) && !current.DenyList.TryMatch(new CardIdentity { Kind = CardKind.Emv, Brand = "", Token = token }, out _));
}
