using Validator.Core.Lists;

namespace Validator.Fares.Tests.Lists;

/// <summary>The deny list's own sort, against the framework's sort of the same rows.</summary>
[TestFixture]
public class DenyRowSortTests
{
    public enum Shape
    {
        Random,
        Ascending,
        Descending,
        FewDistinctKeys,
        OrganPipe,
        OneKey,
    }

    [Test]
    public void Rows_come_out_in_key_order_with_their_own_times([Values] Shape shape, [Values(0, 1, 2, 17, 1000, 30_000)] int count,
        [Values(null, 0, 1)] int? depth)
    {
        // depth 0 and 1: heapsort takes over at once or after one partition, as it would on an input that defeats the pivots.
        var random = new Random(count * 31 + (int)shape);
        var input = Enumerable.Range(0, count).Select(i => Row(shape switch
        {
            Shape.Random => random.NextInt64(),
            Shape.Ascending => i,
            Shape.Descending => count - i,
            Shape.FewDistinctKeys => random.Next(5),
            Shape.OrganPipe => Math.Min(i, count - i),
            _ => 7,
        }, random.Next(3), ticks: i)).ToArray();
        var rows = input.Select(r => r.Key).ToArray();
        var times = input.Select(r => r.AddedTicks).ToArray();

        if (depth is { } d) DenyRowSort.Sort(rows, times, d);
        else DenyRowSort.Sort(rows, times);

        var expected = input.Order(DenyRow.KeyOrder).Select(r => r.Key).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => (r.High, r.Low, r.Expiry)), Is.EqualTo(expected.Select(r => (r.High, r.Low, r.Expiry))));
            // Each row still has its own time: the input row at that time has the same key.
            Assert.That(Enumerable.Range(0, count).All(i => input[times[i]].Key.SameRow(rows[i])), Is.True, "a time was separated from its row");
        });
    }

    [Test]
    public void Rows_sort_without_times_too()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 5000).Select(_ => Row(random.Next(100_000), 0, 0).Key).ToArray();

        DenyRowSort.Sort(rows, default);

        Assert.That(rows.Zip(rows.Skip(1)).All(p => p.First.CompareTo(p.Second) <= 0), Is.True);
    }

    private static DenyRow Row(long token, int expiryChoice, long ticks) =>
        new((ulong)(token >> 8), (ulong)token * 0x9E3779B97F4A7C15, expiryChoice == 0 ? (ushort)0 : (ushort)(2600 + expiryChoice), DenyRow.AnyPsn, DenyReason.Lost, ticks);
}
