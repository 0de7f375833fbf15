namespace Validator.Backoffice.Chaos;

/// <summary>Holds one chaos rule and hands it out to the next matching requests, each use counted once.</summary>
internal sealed class ChaosSwitch
{
    private readonly Lock _gate = new();
    private ChaosRequest? _rule;
    private int _remaining;
    private int _applied;

    public void Set(ChaosRequest rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            _rule = rule;
            _remaining = rule.Count;
            _applied = 0;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rule = null;
            _remaining = 0;
        }
    }

    public ChaosState State
    {
        get
        {
            lock (_gate) return new ChaosState(_rule, _remaining, _applied);
        }
    }

    /// <summary>Takes one use of the rule if it applies to <paramref name="endpoint"/>.</summary>
    public bool TryTake(string endpoint, out ChaosRequest rule)
    {
        lock (_gate)
        {
            rule = _rule!;
            if (_rule is null || _remaining <= 0) return false;
            if (_rule.Endpoint is not null && !string.Equals(_rule.Endpoint, endpoint, StringComparison.Ordinal)) return false;
            _remaining--;
            _applied++;
            return true;
        }
    }
}
