using System.Runtime.InteropServices;
using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// The entitlements in memory, packed: one array of fixed-size rows that hold no references, all ids and PARs in one
/// character block, and small tables of the products, line sets, zone sets and time windows the rows name by number.
/// Token-held rows come first, sorted by token and searched by bisection; a second array orders the rows that carry a
/// PAR by it. At 100,000 entitlements that is a dozen objects instead of a few hundred thousand, so a full garbage
/// collection has next to nothing to mark here (measured in a small program: ~5 ms a full mark per 100,000 objects of
/// the record form this replaces), and no per-id or per-token dictionary sits beside it.
/// Immutable: a delta builds a new index and leaves this one to the taps still being decided on it.
/// </summary>
public sealed class EntitlementIndex
{
    private readonly Row[] _rows;
    private readonly int _tokenCount;
    private readonly char[] _text;
    private readonly int[] _byPar;

    // Compact keys the lookups bisect, so a search touches a few cache lines of these instead of a 64-byte row a step:
    // the high half of each token-held row's token, and a hash of each PAR in _byPar's order (sorted by hash, then PAR).
    private readonly ulong[] _tokenHighs;
    private readonly int[] _parHashes;
    private readonly string[] _products;
    private readonly string[][] _lineSets;
    private readonly string[][] _zoneSets;
    private readonly TimeWindow[][] _windowSets;

    private EntitlementIndex(Row[] rows, char[] text, string[] products, string[][] lineSets, string[][] zoneSets, TimeWindow[][] windowSets)
    {
        _text = text;
        _products = products;
        _lineSets = lineSets;
        _zoneSets = zoneSets;
        _windowSets = windowSets;
        Array.Sort(rows, static (a, b) => (a.HasToken, b.HasToken) switch
        {
            (true, false) => -1,
            (false, true) => 1,
            _ => a.High != b.High ? a.High.CompareTo(b.High) : a.Low.CompareTo(b.Low),
        });
        _rows = rows;
        _tokenCount = Array.FindIndex(rows, r => !r.HasToken) is var end and >= 0 ? end : rows.Length;
        var withPar = new List<int>();
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].ParLength > 0) withPar.Add(i);
        }
        _byPar = [.. withPar];
        var hashes = new int[rows.Length];
        foreach (var row in _byPar) hashes[row] = string.GetHashCode(ParOf(row));
        Array.Sort(_byPar, (a, b) => hashes[a] != hashes[b] ? hashes[a].CompareTo(hashes[b]) : ParOf(a).SequenceCompareTo(ParOf(b)));
        _parHashes = Array.ConvertAll(_byPar, row => hashes[row]);
        _tokenHighs = new ulong[_tokenCount];
        for (var i = 0; i < _tokenCount; i++) _tokenHighs[i] = rows[i].High;
    }

    /// <summary>An index with no entitlements.</summary>
    public static EntitlementIndex Empty { get; } = new Packer(0).Build();

    /// <summary>Number of entitlements.</summary>
    public int Count => _rows.Length;

    /// <summary>All entitlements, in no particular order, each made on the way out (for tools and list updates, not taps).</summary>
    public IEnumerable<Entitlement> All
    {
        get
        {
            for (var i = 0; i < _rows.Length; i++) yield return At(i).ToEntitlement();
        }
    }

    /// <summary>The tokens of the token-held entitlements, in token order (a card holding several passes appears once each).</summary>
    public IEnumerable<CardToken> Tokens
    {
        get
        {
            for (var i = 0; i < _tokenCount; i++) yield return new CardToken(_rows[i].High, _rows[i].Low);
        }
    }

    /// <summary>How many of these entitlements have an id in <paramref name="ids"/>: one pass over the index, for list updates.</summary>
    public int CountWithIdIn(HashSet<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var count = 0;
        if (ids.TryGetAlternateLookup<ReadOnlySpan<char>>(out var byId))
        {
            for (var i = 0; i < _rows.Length; i++)
            {
                if (byId.Contains(IdOf(i))) count++;
            }
            return count;
        }
        for (var i = 0; i < _rows.Length; i++)
        {
            if (ids.Contains(new string(IdOf(i)))) count++;
        }
        return count;
    }

    /// <summary>
    /// Builds the index; a repeated id keeps the last one. Throws <see cref="ArgumentException"/> on an unusable
    /// entitlement. <paramref name="expectedCount"/> sizes it when the sequence cannot say how many it holds.
    /// </summary>
    public static EntitlementIndex Build(IEnumerable<Entitlement> entitlements, int expectedCount = 0)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        var packer = new Packer(entitlements.TryGetNonEnumeratedCount(out var known) ? known : Math.Max(0, expectedCount));
        foreach (var e in entitlements)
        {
            e.Validate();
            packer.AddOrReplace(e);
        }
        return packer.Build();
    }

    /// <summary>The entitlements held by the card's token and by its PAR; read in place, no allocation.</summary>
    public void Find(CardIdentity card, out EntitlementMatches byToken, out EntitlementMatches byPar)
    {
        ArgumentNullException.ThrowIfNull(card);
        var start = LowerBound(card.Token);
        var end = start;
        while (end < _tokenCount && _rows[end].High == card.Token.High && _rows[end].Low == card.Token.Low) end++;
        byToken = new EntitlementMatches(this, null, start, end - start);
        byPar = card.Par is { Length: > 0 } par ? ParRange(par) : default;
    }

    /// <summary>The entitlement with this id, if any; a linear search, for tools and tests rather than taps.</summary>
    public bool TryGet(string id, out Entitlement entitlement)
    {
        ArgumentNullException.ThrowIfNull(id);
        for (var i = 0; i < _rows.Length; i++)
        {
            if (IdOf(i).SequenceEqual(id))
            {
                entitlement = At(i).ToEntitlement();
                return true;
            }
        }
        entitlement = null!;
        return false;
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
        var goneById = gone.GetAlternateLookup<ReadOnlySpan<char>>();
        var packer = new Packer(_rows.Length + adds.Count);
        var tables = new TableMap(this);
        for (var i = 0; i < _rows.Length; i++)
        {
            if (!goneById.Contains(IdOf(i))) packer.Keep(this, i, tables);
        }
        foreach (var e in adds) packer.AddOrReplace(e);
        return packer.Build();
    }

    internal EntitlementEntry At(int row) => new(this, row);

    internal ref readonly Row RowAt(int row) => ref _rows[row];

    internal ReadOnlySpan<char> IdOf(int row) => _text.AsSpan(_rows[row].Id, _rows[row].IdLength);

    internal ReadOnlySpan<char> ParOf(int row) => _text.AsSpan(_rows[row].Par, Math.Max(0, _rows[row].ParLength));

    internal string ProductOf(int row) => _products[_rows[row].Product];

    internal string[] LinesOf(int row) => _lineSets[_rows[row].Lines];

    internal string[] ZonesOf(int row) => _zoneSets[_rows[row].Zones];

    internal TimeWindow[] WindowsOf(int row) => _windowSets[_rows[row].Windows];

    private EntitlementMatches ParRange(string par)
    {
        var hash = string.GetHashCode(par.AsSpan());
        int lo = 0, hi = _parHashes.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_parHashes[mid] < hash) lo = mid + 1;
            else hi = mid;
        }
        // Within the hash's run the PARs are in order: skip the other PARs that share the hash, then take this one's.
        while (lo < _parHashes.Length && _parHashes[lo] == hash && ParOf(_byPar[lo]).SequenceCompareTo(par) < 0) lo++;
        var end = lo;
        while (end < _parHashes.Length && _parHashes[end] == hash && ParOf(_byPar[end]).SequenceEqual(par)) end++;
        return new EntitlementMatches(this, _byPar, lo, end - lo);
    }

    private int LowerBound(CardToken token)
    {
        int lo = 0, hi = _tokenCount;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var high = _tokenHighs[mid];
            if (high < token.High || (high == token.High && _rows[mid].Low < token.Low)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>One entitlement, 64 bytes with no references; text and table entries by position.</summary>
    [StructLayout(LayoutKind.Auto)]
    internal readonly record struct Row(
        ulong High,
        ulong Low,
        int Id,
        int IdLength,
        int Par,
        int ParLength,
        int ValidFrom,
        int ValidTo,
        int Product,
        int Lines,
        int Zones,
        int Windows,
        Weekdays Days,
        bool HasToken);

    /// <summary>Where an old index's table entries land in the new one, found on first use so unused entries drop out.</summary>
    private sealed class TableMap(EntitlementIndex from)
    {
        private readonly int[] _products = Unmapped(from._products.Length);
        private readonly int[] _lines = Unmapped(from._lineSets.Length);
        private readonly int[] _zones = Unmapped(from._zoneSets.Length);
        private readonly int[] _windows = Unmapped(from._windowSets.Length);

        public Row Map(Row row, Packer to) => row with
        {
            Product = Mapped(_products, row.Product, i => to.Product(from._products[i])),
            Lines = Mapped(_lines, row.Lines, i => to.Lines(from._lineSets[i])),
            Zones = Mapped(_zones, row.Zones, i => to.Zones(from._zoneSets[i])),
            Windows = Mapped(_windows, row.Windows, i => to.Windows(from._windowSets[i])),
        };

        private static int Mapped(int[] map, int old, Func<int, int> intern) => map[old] >= 0 ? map[old] : map[old] = intern(old);

        private static int[] Unmapped(int length)
        {
            var map = new int[length];
            Array.Fill(map, -1);
            return map;
        }
    }

    /// <summary>Collects rows, their text and the tables they name, then builds the index.</summary>
    private sealed class Packer(int capacity)
    {
        private readonly List<Row> _rows = new(capacity);
        private readonly Dictionary<string, int> _rowById = new(StringComparer.Ordinal);
        private readonly Table<string> _products = new(null, StringComparer.Ordinal);
        private readonly Table<string[]> _lines = new([], SameItems<string>.Instance);
        private readonly Table<string[]> _zones = new([], SameItems<string>.Instance);
        private readonly Table<TimeWindow[]> _windows = new([], SameItems<TimeWindow>.Instance);
        private char[] _text = new char[Math.Max(16, capacity * 24)];
        private int _textLength;

        public void AddOrReplace(Entitlement e)
        {
            var row = new Row(
                e.Token?.High ?? 0,
                e.Token?.Low ?? 0,
                Append(e.Id),
                e.Id.Length,
                e.Par is null ? 0 : Append(e.Par),
                e.Par?.Length ?? -1,
                e.ValidFrom.DayNumber,
                e.ValidTo.DayNumber,
                Product(e.Product),
                Lines(e.Lines),
                Zones(e.Zones),
                Windows(e.Windows),
                e.Days,
                e.Token is not null);
            if (_rowById.TryGetValue(e.Id, out var at))
            {
                _rows[at] = row; // the earlier one's text stays behind unused until the next delta packs afresh
                return;
            }
            _rowById.Add(e.Id, _rows.Count);
            _rows.Add(row);
        }

        /// <summary>Keeps row <paramref name="row"/> of <paramref name="from"/>, whose ids are known to be unique.</summary>
        public void Keep(EntitlementIndex from, int row, TableMap tables)
        {
            var old = from._rows[row];
            var id = Append(from.IdOf(row));
            var par = old.ParLength >= 0 ? Append(from.ParOf(row)) : 0;
            _rows.Add(tables.Map(old, this) with { Id = id, Par = par });
        }

        public int Product(string code) => _products.Intern(code);

        public int Lines(IReadOnlyList<string> lines) => _lines.Intern([.. lines]);

        public int Zones(IReadOnlyList<string> zones) => _zones.Intern([.. zones]);

        public int Windows(IReadOnlyList<TimeWindow> windows) => _windows.Intern([.. windows]);

        public EntitlementIndex Build() =>
            new([.. _rows], _text.AsSpan(0, _textLength).ToArray(), _products.ToArray(), _lines.ToArray(), _zones.ToArray(), _windows.ToArray());

        private int Append(ReadOnlySpan<char> value)
        {
            if (_textLength + value.Length > _text.Length) Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + value.Length));
            value.CopyTo(_text.AsSpan(_textLength));
            _textLength += value.Length;
            return _textLength - value.Length;
        }
    }

    /// <summary>Distinct values, numbered in order of first use; a non-null <c>empty</c> is entry 0.</summary>
    private sealed class Table<T>
        where T : class
    {
        private readonly List<T> _values = [];
        private readonly Dictionary<T, int> _numbers;

        public Table(T? empty, IEqualityComparer<T> comparer)
        {
            _numbers = new Dictionary<T, int>(comparer);
            if (empty is not null) Intern(empty);
        }

        public int Intern(T value)
        {
            if (_numbers.TryGetValue(value, out var at)) return at;
            _numbers.Add(value, _values.Count);
            _values.Add(value);
            return _values.Count - 1;
        }

        public T[] ToArray() => [.. _values];
    }

    /// <summary>Arrays equal item by item (strings ordinally): ["a", "b"] is not ["a\u001Fb"], and [""] is not [].</summary>
    private sealed class SameItems<T> : IEqualityComparer<T[]>
    {
        public static readonly SameItems<T> Instance = new();

        public bool Equals(T[]? x, T[]? y) => x is null || y is null ? x == y : x.AsSpan().SequenceEqual(y, EqualityComparer<T>.Default);

        public int GetHashCode(T[] values)
        {
            var hash = new HashCode();
            hash.Add(values.Length);
            foreach (var value in values) hash.Add(value);
            return hash.ToHashCode();
        }
    }
}

/// <summary>The entitlements one card holds by token or by PAR: positions in an index, read in place.</summary>
public readonly struct EntitlementMatches
{
    private readonly EntitlementIndex? _index;
    private readonly int[]? _byPar;
    private readonly int _start;

    internal EntitlementMatches(EntitlementIndex index, int[]? byPar, int start, int length)
    {
        _index = index;
        _byPar = byPar;
        _start = start;
        Length = length;
    }

    /// <summary>How many entitlements matched.</summary>
    public int Length { get; }

    /// <summary>The <paramref name="i"/>-th match.</summary>
    public EntitlementEntry this[int i]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Length);
            return _index!.At(_byPar is null ? _start + i : _byPar[_start + i]);
        }
    }

    /// <summary>The matches, made into entitlements (for tests and tools).</summary>
    public Entitlement[] ToArray()
    {
        var all = new Entitlement[Length];
        for (var i = 0; i < all.Length; i++) all[i] = this[i].ToEntitlement();
        return all;
    }
}

/// <summary>One entitlement inside an <see cref="EntitlementIndex"/>: the fields a decision reads, without copying it out.</summary>
public readonly struct EntitlementEntry
{
    private readonly EntitlementIndex _index;
    private readonly int _row;

    internal EntitlementEntry(EntitlementIndex index, int row)
    {
        _index = index;
        _row = row;
    }

    /// <summary>The back office's id (a new string each time: it is read only for the accepted pass).</summary>
    public string Id => new(_index.IdOf(_row));

    /// <summary>Product code from the policy's catalogue.</summary>
    public string Product => _index.ProductOf(_row);

    /// <summary>First local date the entitlement is valid on.</summary>
    public DateOnly ValidFrom => DateOnly.FromDayNumber(_index.RowAt(_row).ValidFrom);

    /// <summary>Last local date the entitlement is valid on (inclusive).</summary>
    public DateOnly ValidTo => DateOnly.FromDayNumber(_index.RowAt(_row).ValidTo);

    /// <summary>Lines it is valid on; empty means every line.</summary>
    public ReadOnlySpan<string> Lines => _index.LinesOf(_row);

    /// <summary>Zones it is valid in; empty means every zone.</summary>
    public ReadOnlySpan<string> Zones => _index.ZonesOf(_row);

    /// <summary>Days of the week it is valid on.</summary>
    public Weekdays Days => _index.RowAt(_row).Days;

    /// <summary>Local time windows it is valid in; empty means all day.</summary>
    public ReadOnlySpan<TimeWindow> Windows => _index.WindowsOf(_row);

    /// <summary>The entitlement as a record of its own.</summary>
    public Entitlement ToEntitlement()
    {
        ref readonly var row = ref _index.RowAt(_row);
        return new Entitlement
        {
            Id = Id,
            Token = row.HasToken ? new CardToken(row.High, row.Low) : null,
            Par = row.ParLength >= 0 ? new string(_index.ParOf(_row)) : null,
            Product = Product,
            ValidFrom = ValidFrom,
            ValidTo = ValidTo,
            Lines = _index.LinesOf(_row),
            Zones = _index.ZonesOf(_row),
            Days = Days,
            Windows = _index.WindowsOf(_row),
        };
    }
}
