namespace Validator.Daemon.Demo;

/// <summary>
/// The demo's wall clock: a school morning in the Salzlandkreis whatever the time where the demo runs, moved on by
/// the scenario. Timers still run on real time (the LED patterns play at their real speed).
/// </summary>
internal sealed class DemoClock : TimeProvider
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private DateTimeOffset _now;

    public DemoClock(DateTimeOffset start) => _now = start;

    public override TimeZoneInfo LocalTimeZone => Berlin;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
