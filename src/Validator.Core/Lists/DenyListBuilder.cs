using System.Diagnostics.CodeAnalysis;

namespace Validator.Core.Lists;

/// <summary>
/// Collects deny rows, in any order, straight into the memory a <see cref="DenyList"/> keeps: no staging copy beside it.
/// Given the number of rows up front (a snapshot states it) it allocates exactly that; otherwise it grows by doubling
/// and hands the unused pages back when the list is built.
/// </summary>
public sealed class DenyListBuilder
{
    private NativeArray<DenyIndexRow> _rows;
    private NativeArray<long>? _added;
    private bool _built;

    /// <summary>A builder with room for <paramref name="capacity"/> rows.</summary>
    public DenyListBuilder(int capacity = 1024)
        : this(capacity, keepAddedTimes: true)
    {
    }

    /// <summary>
    /// A builder with room for <paramref name="capacity"/> rows; without <paramref name="keepAddedTimes"/> it holds 20
    /// bytes a row instead of 28 and is built with <see cref="TryBuildUnique"/>, since a repeated key can only be
    /// settled by the times.
    /// </summary>
    public DenyListBuilder(int capacity, bool keepAddedTimes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _rows = NativeArray<DenyIndexRow>.Allocate(capacity);
        _added = keepAddedTimes ? NativeArray<long>.Allocate(capacity) : null;
    }

    /// <summary>Rows added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one row.</summary>
    public void Add(in DenyRow row)
    {
        if (_built) throw new InvalidOperationException("The deny list was already built.");
        if (Count == _rows.Length) Grow();
        _rows.Span[Count] = row.Key;
        if (_added is not null) _added.Span[Count] = row.AddedTicks;
        Count++;
    }

    /// <summary>
    /// Sorts the rows and drops repeated keys (the one added last stays). With <paramref name="keepAddedTimes"/> false
    /// the list keeps 20 bytes a row instead of 28 and leaves the added-at times to the store.
    /// </summary>
    public DenyList Build(bool keepAddedTimes = true)
    {
        if (_built) throw new InvalidOperationException("The deny list was already built.");
        if (_added is null) throw new InvalidOperationException("This builder keeps no added-at times; build it with TryBuildUnique.");
        _built = true;
        _rows.Shrink(Count);
        _added.Shrink(Count);
        var rows = _rows.Span;
        var added = _added.Span;
        if (!IsStrictlyAscending(rows))
        {
            DenyRowSort.Sort(rows, added);
            var unique = Deduplicate(rows, added);
            _rows.Shrink(unique);
            _added.Shrink(unique);
        }
        return DenyList.Create(_rows, keepAddedTimes ? _added : null);
    }

    /// <summary>
    /// Sorts the rows of a builder made without added-at times into a list; false, with nothing built, when some key is
    /// there twice (which row stays is decided by the times this builder does not hold). The builder is spent either way.
    /// </summary>
    public bool TryBuildUnique([NotNullWhen(true)] out DenyList? list)
    {
        if (_built) throw new InvalidOperationException("The deny list was already built.");
        _built = true;
        _rows.Shrink(Count);
        var rows = _rows.Span;
        list = null;
        if (!IsStrictlyAscending(rows))
        {
            DenyRowSort.Sort(rows, default);
            for (var i = 1; i < rows.Length; i++)
            {
                if (!rows[i - 1].SameKey(rows[i])) continue;
                _rows.Shrink(0); // its pages go back now, not when the finalizer runs: the caller builds the list again
                return false;
            }
        }
        list = DenyList.Create(_rows, null);
        return true;
    }

    private void Grow()
    {
        var length = Math.Max(16, _rows.Length * 2);
        var rows = NativeArray<DenyIndexRow>.Allocate(length);
        _rows.Span.CopyTo(rows.Span);
        _rows = rows;
        if (_added is null) return;
        var added = NativeArray<long>.Allocate(length);
        _added.Span.CopyTo(added.Span);
        _added = added;
    }

    // Sorted by key, ties in any order: of each run of one key keep the row added last (then the higher reason, so
    // ties are decided the same way every time). Returns how many rows stay.
    private static int Deduplicate(Span<DenyIndexRow> rows, Span<long> added)
    {
        var unique = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (unique > 0 && rows[unique - 1].SameKey(rows[i]))
            {
                var later = added[i].CompareTo(added[unique - 1]);
                if (later > 0 || (later == 0 && rows[i].Reason > rows[unique - 1].Reason))
                {
                    rows[unique - 1] = rows[i];
                    added[unique - 1] = added[i];
                }
            }
            else
            {
                rows[unique] = rows[i];
                added[unique] = added[i];
                unique++;
            }
        }
        return unique;
    }

    private static bool IsStrictlyAscending(ReadOnlySpan<DenyIndexRow> rows)
    {
        for (var i = 1; i < rows.Length; i++)
        {
            if (rows[i - 1].CompareTo(rows[i]) >= 0) return false;
        }
        return true;
    }
}
