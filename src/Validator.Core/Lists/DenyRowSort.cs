using System.Numerics;

namespace Validator.Core.Lists;

/// <summary>
/// Sorts deny rows in place by key, with their added-at times (when given) moved along: quicksort with a median-of-three
/// pivot, insertion sort for short runs and heapsort past a depth limit, so O(n log n) whatever the input. Written out
/// for this one row type instead of the generic <see cref="MemoryExtensions.Sort{TKey, TValue, TComparer}(Span{TKey}, Span{TValue}, TComparer)"/>:
/// in the daemon's ReadyToRun build this code is compiled ahead of time, while the generic sort over a row type of this
/// assembly is compiled at first use, and loading a million unsorted rows at start-up took 0.5 s longer with it (measured).
/// </summary>
internal static class DenyRowSort
{
    private const int ShortRun = 16;

    /// <summary>Sorts <paramref name="rows"/>; <paramref name="times"/> is empty or as long as the rows and is reordered with them.</summary>
    public static void Sort(Span<DenyIndexRow> rows, Span<long> times) =>
        Sort(rows, times, 2 * (BitOperations.Log2((uint)Math.Max(rows.Length, 1)) + 1));

    /// <summary>As <see cref="Sort(Span{DenyIndexRow}, Span{long})"/> with quicksort levels up to <paramref name="depth"/> before heapsort takes over (tests reach heapsort with a small one).</summary>
    internal static void Sort(Span<DenyIndexRow> rows, Span<long> times, int depth)
    {
        if (!times.IsEmpty && times.Length != rows.Length) throw new ArgumentException("The times must be as many as the rows.", nameof(times));
        if (rows.Length < 2) return;
        IntroSort(rows, times, depth);
    }

    private static void IntroSort(Span<DenyIndexRow> rows, Span<long> times, int depth)
    {
        while (rows.Length > ShortRun)
        {
            if (depth == 0)
            {
                HeapSort(rows, times);
                return;
            }
            depth--;
            var p = Partition(rows, times);
            // The smaller side by recursion, the larger by the loop: the stack stays O(log n) deep.
            if (p < rows.Length - p)
            {
                IntroSort(rows[..p], Part(times, 0, p), depth);
                rows = rows[(p + 1)..];
                times = Part(times, p + 1, rows.Length);
            }
            else
            {
                IntroSort(rows[(p + 1)..], Part(times, p + 1, rows.Length - p - 1), depth);
                rows = rows[..p];
                times = Part(times, 0, p);
            }
        }
        InsertionSort(rows, times);
    }

    // Median of first, middle and last as the pivot; they also bound the scans below, so no index checks are needed.
    private static int Partition(Span<DenyIndexRow> rows, Span<long> times)
    {
        var hi = rows.Length - 1;
        var mid = hi >> 1;
        SwapIfGreater(rows, times, 0, mid);
        SwapIfGreater(rows, times, 0, hi);
        SwapIfGreater(rows, times, mid, hi);
        var pivot = rows[mid];
        Swap(rows, times, mid, hi - 1);
        int left = 0, right = hi - 1;
        while (left < right)
        {
            while (rows[++left].CompareTo(pivot) < 0)
            {
            }
            while (pivot.CompareTo(rows[--right]) < 0)
            {
            }
            if (left >= right) break;
            Swap(rows, times, left, right);
        }
        if (left != hi - 1) Swap(rows, times, left, hi - 1);
        return left;
    }

    private static void InsertionSort(Span<DenyIndexRow> rows, Span<long> times)
    {
        for (var i = 1; i < rows.Length; i++)
        {
            var row = rows[i];
            var time = times.IsEmpty ? 0 : times[i];
            var j = i - 1;
            while (j >= 0 && row.CompareTo(rows[j]) < 0)
            {
                rows[j + 1] = rows[j];
                if (!times.IsEmpty) times[j + 1] = times[j];
                j--;
            }
            rows[j + 1] = row;
            if (!times.IsEmpty) times[j + 1] = time;
        }
    }

    private static void HeapSort(Span<DenyIndexRow> rows, Span<long> times)
    {
        var n = rows.Length;
        for (var i = n >> 1; i >= 1; i--) SiftDown(rows, times, i, n);
        for (var i = n; i > 1; i--)
        {
            Swap(rows, times, 0, i - 1);
            SiftDown(rows, times, 1, i - 1);
        }
    }

    // Heap positions are 1-based here: the children of i are 2i and 2i + 1.
    private static void SiftDown(Span<DenyIndexRow> rows, Span<long> times, int i, int n)
    {
        var row = rows[i - 1];
        var time = times.IsEmpty ? 0 : times[i - 1];
        while (i <= n >> 1)
        {
            var child = 2 * i;
            if (child < n && rows[child - 1].CompareTo(rows[child]) < 0) child++;
            if (row.CompareTo(rows[child - 1]) >= 0) break;
            rows[i - 1] = rows[child - 1];
            if (!times.IsEmpty) times[i - 1] = times[child - 1];
            i = child;
        }
        rows[i - 1] = row;
        if (!times.IsEmpty) times[i - 1] = time;
    }

    private static void SwapIfGreater(Span<DenyIndexRow> rows, Span<long> times, int i, int j)
    {
        if (rows[i].CompareTo(rows[j]) > 0) Swap(rows, times, i, j);
    }

    private static void Swap(Span<DenyIndexRow> rows, Span<long> times, int i, int j)
    {
        (rows[i], rows[j]) = (rows[j], rows[i]);
        if (!times.IsEmpty) (times[i], times[j]) = (times[j], times[i]);
    }

    private static Span<long> Part(Span<long> times, int start, int length) => times.IsEmpty ? times : times.Slice(start, length);
}
