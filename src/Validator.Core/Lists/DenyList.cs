using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// The deny list in memory: an immutable array of packed entries sorted by token, searched by bisection.
/// Built from the list store (the source of truth); a delta produces a new instance and leaves this one untouched,
/// so a tap being decided on it never sees a half-applied change.
/// </summary>
public sealed class DenyList
{
    // The rows in use are _rows[.._count]; the array may be longer (a list built from a stream keeps the slack of its
    // last doubling instead of copying 32 MB to trim it).
    private readonly DenyRow[] _rows;
    private readonly int _count;

    private DenyList(DenyRow[] rows, int count)
    {
        _rows = rows;
        _count = count;
    }

    /// <summary>A list with no entries.</summary>
    public static DenyList Empty { get; } = new([], 0);

    /// <summary>Number of entries.</summary>
    public int Count => _count;

    /// <summary>The packed entries in key order.</summary>
    public ReadOnlySpan<DenyRow> Rows => _rows.AsSpan(0, _count);

    /// <summary>The entries in key order.</summary>
    public IEnumerable<DenyEntry> Entries => _rows.Take(_count).Select(r => r.ToEntry());

    /// <summary>Builds the list from entries; for a repeated key the entry added last wins. Throws <see cref="ArgumentException"/> on a malformed entry.</summary>
    public static DenyList Build(IEnumerable<DenyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rows = entries is ICollection<DenyEntry> known ? new DenyRow[known.Count] : new DenyRow[16];
        var n = 0;
        foreach (var entry in entries)
        {
            if (n == rows.Length) Array.Resize(ref rows, rows.Length * 2);
            rows[n++] = DenyRow.From(entry);
        }
        return FromUnsorted(rows, n);
    }

    /// <summary>
    /// Takes ownership of <paramref name="rows"/> (the first <paramref name="count"/>), sorts them in place and drops
    /// repeated keys, keeping the one added last. Sorting in place keeps a million-entry load at one array.
    /// </summary>
    public static DenyList FromUnsorted(DenyRow[] rows, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!IsStrictlyAscending(rows, count)) Array.Sort(rows, 0, count, DenyRow.KeyThenAddedOrder);
        var unique = 0;
        for (var i = 0; i < count; i++)
        {
            if (unique > 0 && rows[unique - 1].SameKey(rows[i])) rows[unique - 1] = rows[i];
            else rows[unique++] = rows[i];
        }
        return new DenyList(rows, unique);
    }

    /// <summary>Looks the card up; true with the reason when some entry blocks this issue of the card.</summary>
    public bool TryMatch(CardIdentity card, out DenyReason reason)
    {
        ArgumentNullException.ThrowIfNull(card);
        var expiry = CardExpiry.TryParse(card.Expiry, out var e) ? e : (ushort)0;
        var psn = card.Psn ?? DenyRow.AnyPsn;
        var rows = Rows;
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
        var rows = Rows;
        for (var i = LowerBound(rows, probe.High, probe.Low); i < rows.Length && rows[i].High == probe.High && rows[i].Low == probe.Low; i++)
        {
            if (rows[i].SameKey(probe)) return true;
        }
        return false;
    }

    /// <summary>A new list with <paramref name="removed"/> taken out and <paramref name="added"/> put in (an add replaces an entry with the same key).</summary>
    public DenyList Apply(IEnumerable<DenyEntry> added, IEnumerable<DenyKey> removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        return Apply(added.Select(DenyRow.From).ToArray(), removed.Select(DenyRow.From).ToArray());
    }

    /// <summary>As <see cref="Apply(IEnumerable{DenyEntry}, IEnumerable{DenyKey})"/> on packed rows; takes ownership of both arrays.</summary>
    public DenyList Apply(DenyRow[] added, DenyRow[] removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        Array.Sort(removed, DenyRow.KeyOrder);
        var adds = FromUnsorted(added, added.Length).Rows;

        // One merge pass over the old rows: O(n + k log k), a few milliseconds for a million rows.
        var merged = new DenyRow[_count + adds.Length];
        int n = 0, a = 0;
        foreach (var row in Rows)
        {
            while (a < adds.Length && adds[a].CompareTo(row) < 0) merged[n++] = adds[a++];
            if (a < adds.Length && adds[a].SameKey(row)) continue; // replaced by the add, written on a later step
            if (Array.BinarySearch(removed, row, DenyRow.KeyOrder) >= 0) continue;
            merged[n++] = row;
        }
        while (a < adds.Length) merged[n++] = adds[a++];
        return new DenyList(merged, n);
    }

    private static bool IsStrictlyAscending(DenyRow[] rows, int count)
    {
        for (var i = 1; i < count; i++)
        {
            if (rows[i - 1].CompareTo(rows[i]) >= 0) return false;
        }
        return true;
    }

    private static int LowerBound(ReadOnlySpan<DenyRow> rows, ulong high, ulong low)
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
