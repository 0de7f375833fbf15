namespace Validator.Simulation.Gpio;

/// <summary>
/// The latest changes a simulated output recorded, oldest first, at most <see cref="Limit"/> of them: a demo left running
/// for days, or a tap storm, holds a fixed amount of memory. Not thread-safe; the owner locks.
/// </summary>
internal sealed class ChangeHistory<T>
{
    /// <summary>The default limit: hours of a demo's taps in a few hundred kilobytes.</summary>
    public const int DefaultLimit = 10_000;

    private readonly Queue<T> _changes = new();
    private int _limit = DefaultLimit;

    /// <summary>How many of the latest changes are kept; lowering it drops the oldest at once.</summary>
    public int Limit
    {
        get => _limit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _limit = value;
            while (_changes.Count > value) _changes.Dequeue();
        }
    }

    public void Add(T change)
    {
        if (_changes.Count == _limit) _changes.Dequeue();
        _changes.Enqueue(change);
    }

    public void Clear() => _changes.Clear();

    public IReadOnlyList<T> Copy() => [.. _changes];
}
