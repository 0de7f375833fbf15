using NUnit.Framework;
using System.Collections.Concurrent;

namespace Validator.Testing;

/// <summary>Collects events raised on other threads so a test can wait for the next one, with a timeout.</summary>
public sealed class EventLog<T> : IDisposable
{
    private readonly BlockingCollection<T> _items = new();

    public void Add(T item) => _items.Add(item);

    /// <summary>The next event that matches; fails the test when none comes in time.</summary>
    public T WaitFor(Func<T, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_items.TryTake(out var item, left))
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:F1} s waiting for {what}");
                throw new TimeoutException(what);
            }
            if (match(item)) return item;
        }
    }

    public void Dispose() => _items.Dispose();
}
