using Validator.Core.Cards;

namespace Validator.Core.Fares;

/// <summary>
/// Remembers the last accepted tap per card token, for the repeat-tap rule. Bounded: past
/// <see cref="Capacity"/> cards the least recently accepted is forgotten, so a busy day cannot grow memory.
/// Seed it from the journal at start so a restart does not charge a student twice.
/// </summary>
public sealed class RepeatTapTracker : IRecentTaps
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CardToken, LinkedListNode<(CardToken Token, RecentTap Tap)>> _byToken = [];
    private readonly LinkedList<(CardToken Token, RecentTap Tap)> _byAge = new();

    /// <summary>Creates a tracker remembering at most <paramref name="capacity"/> cards.</summary>
    public RepeatTapTracker(int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most cards remembered at once.</summary>
    public int Capacity { get; }

    /// <summary>Cards remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _byToken.Count;
        }
    }

    /// <inheritdoc />
    public bool TryGetLastAccepted(CardToken token, out RecentTap tap)
    {
        lock (_gate)
        {
            if (_byToken.TryGetValue(token, out var node))
            {
                tap = node.Value.Tap;
                return true;
            }
        }
        tap = default;
        return false;
    }

    /// <summary>Remembers an accepted tap; it becomes the card's latest.</summary>
    public void Record(CardToken token, RecentTap tap)
    {
        lock (_gate)
        {
            if (_byToken.Remove(token, out var old)) _byAge.Remove(old);
            _byToken[token] = _byAge.AddLast((token, tap));
            if (_byToken.Count > Capacity)
            {
                _byToken.Remove(_byAge.First!.Value.Token);
                _byAge.RemoveFirst();
            }
        }
    }

    /// <summary>Remembers earlier accepted taps (from the journal), oldest first so the newest survive the bound.</summary>
    public void Seed(IEnumerable<(CardToken Token, RecentTap Tap)> taps)
    {
        ArgumentNullException.ThrowIfNull(taps);
        foreach (var (token, tap) in taps.OrderBy(t => t.Tap.At)) Record(token, tap);
    }
}
