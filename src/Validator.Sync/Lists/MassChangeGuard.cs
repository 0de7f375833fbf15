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
    /// <summary>Null when the change is within bounds, else a description of it.</summary>
    public static string? Problem(ListSnapshot current, ListPackage package, double maxShare, int floor)
    {
        var total = current.Entitlements.Count;
        if (total == 0) return null;
        var affected = package.List switch
        {
            ListKind.Deny => NewlyDenied(current, package.DenyAdded ?? package.DenyEntries ?? []),
            ListKind.Entitlements => Dropped(current, package),
            _ => 0,
        };
        if (affected <= floor || affected <= maxShare * total) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"mass-change guard: the update would take {affected} of {total} entitlements out of use ({100.0 * affected / total:0.#} %, limit {100 * maxShare:0.#} %)");
    }

    /// <summary>Entitlements whose card gets a deny entry and had none before.</summary>
    private static int NewlyDenied(ListSnapshot current, IReadOnlyList<DenyEntry> added)
    {
        var tokens = added.Select(e => e.Token).ToHashSet();
        var count = 0;
        foreach (var entitlement in current.Entitlements.All)
        {
            if (entitlement.Token is not { } token || !tokens.Contains(token)) continue;
            var card = new CardIdentity { Kind = CardKind.Emv, Brand = "", Token = token };
            if (!current.DenyList.TryMatch(card, out _)) count++;
        }
        return count;
    }

    /// <summary>Current entitlements the package removes (a delta's removals, or those missing from a snapshot).</summary>
    private static int Dropped(ListSnapshot current, ListPackage package)
    {
        if (package.EntitlementsRemoved is { } removed) return removed.Count(id => current.Entitlements.TryGet(id, out _));
        if (package.Entitlements is not { } all) return 0;
        var kept = all.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        return current.Entitlements.All.Count(e => !kept.Contains(e.Id));
    }
}
