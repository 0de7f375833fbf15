using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// The deny list in memory: an immutable array of packed entries sorted by token, searched by bisection.
/// Built from the list store (the source of truth); a delta produces a new instance and leaves this one untouched,
/// so a tap being decided on it never sees a half-applied change.
/// </summary>
public sealed class DenyList
{
    private readonly DenyRow[] _rows;

    private DenyList(DenyRow[] rows) => _rows = rows;

    /// <summary>A list with no entries.</summary>
    public static DenyList Empty { get; } = new([]);

    /// <summary>Number of entries.</summary>
    public int Count => _rows.Length;

    /// <summary>Builds the list from entries; a repeated key keeps the last entry.</summary>
    public static DenyList Build(IEnumerable<DenyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rows = entries.Select(DenyRow.From).ToArray();
        return FromUnsorted(rows, rows.Length);
    }

    /// <summary>Sorts and de-duplicates the first <paramref name="count"/> rows; for one key the row that came last wins, as a store upsert would.</summary>
    public static DenyList FromUnsorted(DenyRow[] rows, int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        // Position breaks ties, so the sort is stable and "last wins" holds for repeated keys.
        Array.Sort(order, (x, y) =>
        {
            var c = rows[x].CompareTo(rows[y]);
            return c != 0 ? c : x.CompareTo(y);
        });
        var sorted = new DenyRow[count];
        var unique = 0;
        foreach (var index in order)
        {
            if (unique > 0 && sorted[unique - 1].SameKey(rows[index])) sorted[unique - 1] = rows[index];
            else sorted[unique++] = rows[index];
        }
        return new DenyList(unique == count ? sorted : sorted[..unique]);
    }

    /// <summary>Looks the card up; true with the reason when some entry blocks this issue of the card.</summary>
    public bool TryMatch(CardIdentity card, out DenyReason reason)
    {
        ArgumentNullException.ThrowIfNull(card);
        var expiry = CardExpiry.TryParse(card.Expiry, out var e) ? e : (ushort)0;
        var psn = card.Psn ?? DenyRow.AnyPsn;
        var rows = _rows;
        for (var i = LowerBound(rows, card.Token.High, card.Token.Low); i < rows.Length; i++)
        {
            ref readonly var row = ref rows[i];
            if (row.High != card.Token.High || row.Low != card.Token.Low) break;
            if (row.Blocks(expiry, psn))
            {
                reason = row.Reason;
                return true;
            }
        }
        reason = default;
        return false;
    }

    /// <summary>True when the list holds an entry with exactly this key.</summary>
    public bool Contains(DenyKey key)
    {
        var probe = DenyRow.From(key);
        var i = LowerBound(_rows, probe.High, probe.Low);
        for (; i < _rows.Length && _rows[i].High == probe.High && _rows[i].Low == probe.Low; i++)
        {
            if (_rows[i].SameKey(probe)) return true;
        }
        return false;
    }

    /// <summary>A new list with <paramref name="removed"/> taken out and <paramref name="added"/> put in (an add replaces an entry with the same key).</summary>
    public DenyList Apply(IEnumerable<DenyEntry> added, IEnumerable<DenyKey> removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        var adds = added.Select(DenyRow.From).ToArray();
        var drops = removed.Select(DenyRow.From).ToArray();
        Array.Sort(drops, DenyRow.KeyOrder);
        adds = FromUnsorted(adds, adds.Length)._rows;

        // One merge pass over the old rows: O(n + k log k), a few milliseconds for a million rows.
        var merged = new DenyRow[_rows.Length + adds.Length];
        int n = 0, a = 0;
        foreach (var row in _rows)
        {
            while (a < adds.Length && adds[a].CompareTo(row) < 0) merged[n++] = adds[a++];
            if (a < adds.Length && adds[a].SameKey(row)) continue; // replaced by the add, which is written on the next step
            if (Array.BinarySearch(drops, row, DenyRow.KeyOrder) >= 0) continue;
            merged[n++] = row;
        }
        while (a < adds.Length) merged[n++] = adds[a++];
        return new DenyList(n == merged.Length ? merged : merged[..n]);
    }

    /// <summary>The entries (added-at times are not kept in memory; <paramref name="addedAt"/> stands in for them).</summary>
    internal IEnumerable<DenyEntry> Entries(DateTimeOffset addedAt) => _rows.Select(r => r.ToEntry(addedAt));

    private static int LowerBound(DenyRow[] rows, ulong high, ulong low)
    {
        int lo = 0, hi = rows.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            ref readonly var row = ref rows[mid];
            if (row.High < high || (row.High == high && row.Low < low)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
