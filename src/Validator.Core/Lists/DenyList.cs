using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// The deny list in memory: an immutable block of packed entries sorted by token, searched by bisection.
/// Built from the list store (the source of truth); a delta produces a new instance and leaves this one untouched,
/// so a tap being decided on it never sees a half-applied change.
/// </summary>
/// <remarks>
/// Each entry keeps what a lookup needs in 20 bytes (token, expiry, PSN, reason): 20 MB for a million, exactly sized,
/// outside the GC heap and handed back to the kernel as soon as the list is collected. The added-at times (8 bytes
/// more each) are kept only by a list built with them (<see cref="HasAddedTimes"/>); the list store builds its lists
/// without, since the store holds the times and decisions never read them. The memory budget holds two lists at once
/// while an update is built beside the one in service, and only just (docs/fares.md).
/// </remarks>
public sealed class DenyList
{
    private readonly NativeArray<DenyIndexRow> _rows;
    private readonly NativeArray<long>? _added;

    private DenyList(NativeArray<DenyIndexRow> rows, NativeArray<long>? added)
    {
        _rows = rows;
        _added = added;
    }

    /// <summary>A list with no entries.</summary>
    public static DenyList Empty { get; } = new(NativeArray<DenyIndexRow>.Empty, NativeArray<long>.Empty);

    /// <summary>Number of entries.</summary>
    public int Count => _rows.Length;

    /// <summary>True when the list holds its entries' added-at times, so <see cref="Entries"/> can give them back.</summary>
    public bool HasAddedTimes => _added is not null;

    /// <summary>The entries in key order; throws <see cref="InvalidOperationException"/> on a list without added-at times (read those from the store).</summary>
    public IEnumerable<DenyEntry> Entries
    {
        get
        {
            if (!HasAddedTimes) throw new InvalidOperationException("This deny list keeps no added-at times (the list store leaves them in the file); read the entries from the store.");
            return Enumerate();
        }
    }

    /// <summary>
    /// Copies the packed rows from position <paramref name="start"/> (key order) into <paramref name="destination"/>;
    /// returns how many were copied. <see cref="DenyRow.AddedTicks"/> is 0 on a list without added-at times.
    /// </summary>
    public int CopyRows(int start, Span<DenyRow> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, Count);
        var n = Math.Min(destination.Length, Count - start);
        ReadOnlySpan<DenyIndexRow> rows = _rows.Span.Slice(start, n);
        ReadOnlySpan<long> added = _added is null ? default : _added.Span.Slice(start, n);
        for (var i = 0; i < n; i++) destination[i] = rows[i].WithAddedTicks(added.IsEmpty ? 0 : added[i]);
        GC.KeepAlive(_rows);
        GC.KeepAlive(_added);
        return n;
    }

    /// <summary>
    /// Builds the list from entries, keeping their added-at times; for a repeated key the entry added last wins. Throws
    /// <see cref="ArgumentException"/> on a malformed entry. A collection is sized from its count; a bare stream grows
    /// by doubling (pass the count to <see cref="Build(IEnumerable{DenyEntry}, int)"/> to avoid that).
    /// </summary>
    public static DenyList Build(IEnumerable<DenyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.TryGetNonEnumeratedCount(out var count)) return Build(entries, count);
        if (entries is IReadOnlyCollection<DenyEntry> known) return Build(entries, known.Count);
        var builder = new DenyListBuilder();
        foreach (var entry in entries) builder.Add(DenyRow.From(entry));
        return builder.Build();
    }

    /// <summary>
    /// Builds the list, keeping the added-at times, from a stream of exactly <paramref name="count"/> entries (a snapshot
    /// states its size), into memory of that size. Throws <see cref="ArgumentException"/> on a malformed entry or when
    /// the stream holds another number of entries.
    /// </summary>
    public static DenyList Build(IEnumerable<DenyEntry> entries, int count) => Build(entries, count, keepAddedTimes: true);

    /// <summary>As <see cref="Build(IEnumerable{DenyEntry}, int)"/>; without <paramref name="keepAddedTimes"/> the times are used to settle repeated keys and then dropped.</summary>
    public static DenyList Build(IEnumerable<DenyEntry> entries, int count, bool keepAddedTimes)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var builder = new DenyListBuilder(count);
        foreach (var entry in entries)
        {
            if (builder.Count == count) throw new ArgumentException($"The deny list holds more entries than the {count} it states.", nameof(entries));
            builder.Add(DenyRow.From(entry));
        }
        if (builder.Count != count) throw new ArgumentException($"The deny list holds {builder.Count} entries, not the {count} it states.", nameof(entries));
        return builder.Build(keepAddedTimes);
    }

    /// <summary>Builds a list, keeping the added-at times, from the first <paramref name="count"/> of <paramref name="rows"/> (any order; repeated keys keep the one added last).</summary>
    public static DenyList FromUnsorted(DenyRow[] rows, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, rows.Length);
        var builder = new DenyListBuilder(count);
        for (var i = 0; i < count; i++) builder.Add(rows[i]);
        return builder.Build();
    }

    /// <summary>The same entries without their added-at times (this list is left as it is); the times' memory goes once this list is collected.</summary>
    public DenyList WithoutAddedTimes() => _added is null ? this : new DenyList(_rows, null);

    /// <summary>Looks the card up; true with the reason when some entry blocks this issue of the card.</summary>
    public bool TryMatch(CardIdentity card, out DenyReason reason)
    {
        ArgumentNullException.ThrowIfNull(card);
        var expiry = CardExpiry.TryParse(card.Expiry, out var e) ? e : (ushort)0;
        var psn = card.Psn ?? DenyRow.AnyPsn;
        var found = false;
        reason = default;
        ReadOnlySpan<DenyIndexRow> rows = _rows.Span;
        for (var i = LowerBound(rows, card.Token.High, card.Token.Low); i < rows.Length; i++)
        {
            ref readonly var row = ref rows[i];
            if (row.High != card.Token.High || row.Low != card.Token.Low) break;
            if (row.Blocks(expiry, psn))
            {
                reason = row.Reason;
                found = true;
                break;
            }
        }
        GC.KeepAlive(_rows);
        return found;
    }

    /// <summary>True when the list holds an entry with exactly this key.</summary>
    public bool Contains(DenyKey key)
    {
        var probe = DenyRow.From(key).Key;
        var found = false;
        ReadOnlySpan<DenyIndexRow> rows = _rows.Span;
        for (var i = LowerBound(rows, probe.High, probe.Low); i < rows.Length && rows[i].High == probe.High && rows[i].Low == probe.Low; i++)
        {
            if (rows[i].SameKey(probe))
            {
                found = true;
                break;
            }
        }
        GC.KeepAlive(_rows);
        return found;
    }

    /// <summary>A new list with <paramref name="removed"/> taken out and <paramref name="added"/> put in (an add replaces an entry with the same key).</summary>
    public DenyList Apply(IEnumerable<DenyEntry> added, IEnumerable<DenyKey> removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        return Apply(added.Select(DenyRow.From).ToArray(), removed.Select(DenyRow.From).ToArray());
    }

    /// <summary>
    /// As <see cref="Apply(IEnumerable{DenyEntry}, IEnumerable{DenyKey})"/> on packed rows; takes ownership of both
    /// arrays. The new list keeps added-at times when this one does.
    /// </summary>
    public DenyList Apply(DenyRow[] added, DenyRow[] removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        removed.AsSpan().Sort(new KeyOrder());
        var adds = added.AsSpan();
        adds.Sort(new KeyThenAddedOrder());
        adds = adds[..Deduplicate(adds)];

        // Two passes over the old rows, O(n + k log k): the first counts what stays so the new list has exactly the
        // size it needs (no slack beside the old one), the second fills it.
        ReadOnlySpan<DenyIndexRow> rows = _rows.Span;
        ReadOnlySpan<long> times = _added is null ? default : _added.Span;
        var kept = 0;
        for (int i = 0, a = 0; i < rows.Length; i++)
        {
            if (Keeps(rows[i], adds, removed, ref a)) kept++;
        }
        var mergedRows = NativeArray<DenyIndexRow>.Allocate(kept + adds.Length);
        var mergedTimes = _added is null ? null : NativeArray<long>.Allocate(kept + adds.Length);
        var targetRows = mergedRows.Span;
        var targetTimes = mergedTimes is null ? default : mergedTimes.Span;
        int n = 0, next = 0;
        for (int i = 0, a = 0; i < rows.Length; i++)
        {
            while (next < adds.Length && adds[next].Key.CompareTo(rows[i]) < 0) Put(targetRows, targetTimes, ref n, adds[next++]);
            if (Keeps(rows[i], adds, removed, ref a)) Put(targetRows, targetTimes, ref n, rows[i].WithAddedTicks(times.IsEmpty ? 0 : times[i]));
        }
        while (next < adds.Length) Put(targetRows, targetTimes, ref n, adds[next++]);
        GC.KeepAlive(_rows);
        GC.KeepAlive(_added);
        return new DenyList(mergedRows, mergedTimes);

        static void Put(Span<DenyIndexRow> targetRows, Span<long> targetTimes, ref int n, in DenyRow row)
        {
            targetRows[n] = row.Key;
            if (!targetTimes.IsEmpty) targetTimes[n] = row.AddedTicks;
            n++;
        }
    }

    internal static DenyList Create(NativeArray<DenyIndexRow> rows, NativeArray<long>? added) => new(rows, added);

    private IEnumerable<DenyEntry> Enumerate()
    {
        var buffer = new DenyRow[Math.Min(Count, 1024)];
        for (var start = 0; start < Count; start += buffer.Length)
        {
            var n = CopyRows(start, buffer);
            for (var i = 0; i < n; i++) yield return buffer[i].ToEntry();
        }
    }

    // Sorted by key then added-at: of each run of one key the last row (added last) is kept. Returns the rows kept.
    private static int Deduplicate(Span<DenyRow> rows)
    {
        var unique = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (unique > 0 && rows[unique - 1].SameKey(rows[i])) rows[unique - 1] = rows[i];
            else rows[unique++] = rows[i];
        }
        return unique;
    }

    // An old row stays unless an add replaces it or a removal names it; a walks the sorted adds alongside the rows.
    private static bool Keeps(in DenyIndexRow row, ReadOnlySpan<DenyRow> adds, DenyRow[] removed, ref int a)
    {
        while (a < adds.Length && adds[a].Key.CompareTo(row) < 0) a++;
        if (a < adds.Length && adds[a].Key.SameKey(row)) return false;
        return removed.Length == 0 || removed.AsSpan().BinarySearch(row.WithAddedTicks(0), new KeyOrder()) < 0;
    }

    private static int LowerBound(ReadOnlySpan<DenyIndexRow> rows, ulong high, ulong low)
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

    // Struct comparers: sorting a million rows through a delegate comparer costs a call per comparison.
    private readonly struct KeyOrder : IComparer<DenyRow>
    {
        public int Compare(DenyRow x, DenyRow y) => x.CompareTo(y);
    }

    private readonly struct KeyThenAddedOrder : IComparer<DenyRow>
    {
        public int Compare(DenyRow x, DenyRow y)
        {
            var c = x.CompareTo(y);
            if (c != 0) return c;
            c = x.AddedTicks.CompareTo(y.AddedTicks);
            return c != 0 ? c : x.Reason.CompareTo(y.Reason);
        }
    }
}
