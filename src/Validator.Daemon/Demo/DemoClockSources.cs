using Validator.Core.Clock;

namespace Validator.Daemon.Demo;

/// <summary>The demo's clock counts as synchronised: its morning is the one the scenario sets.</summary>
internal sealed class AlwaysSynchronized : IClockSyncSource
{
    public bool IsSynchronized => true;
}

/// <summary>Keeps the last trusted time in memory; the demo leaves nothing behind.</summary>
internal sealed class InMemoryLastTrustedTime : ILastTrustedTime
{
    private DateTimeOffset? _time;

    public DateTimeOffset? Load() => _time;

    public void Save(DateTimeOffset time) => _time = time;
}
