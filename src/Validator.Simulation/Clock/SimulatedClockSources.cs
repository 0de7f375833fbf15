using Validator.Core.Clock;

namespace Validator.Simulation.Clock;

/// <summary>A clock that counts as synchronised, for the demo, benches and tests (no timesyncd there).</summary>
public sealed class AlwaysSynchronized : IClockSyncSource
{
    /// <inheritdoc />
    public bool IsSynchronized => true;
}

/// <summary>Keeps the last trusted time in memory: nothing is left behind.</summary>
public sealed class InMemoryLastTrustedTime : ILastTrustedTime
{
    private DateTimeOffset? _time;

    /// <inheritdoc />
    public DateTimeOffset? Load() => _time;

    /// <inheritdoc />
    public void Save(DateTimeOffset time) => _time = time;
}
