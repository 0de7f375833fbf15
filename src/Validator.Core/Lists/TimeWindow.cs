namespace Validator.Core.Lists;

/// <summary>
/// A local time-of-day window, start inclusive, end exclusive. A window whose end is before its start runs past
/// midnight (22:00–02:00); start equal to end means the whole day.
/// </summary>
/// <param name="Start">First moment inside the window.</param>
/// <param name="End">First moment after the window.</param>
public readonly record struct TimeWindow(TimeOnly Start, TimeOnly End)
{
    /// <summary>True when <paramref name="time"/> falls inside the window.</summary>
    public bool Contains(TimeOnly time)
    {
        if (Start == End) return true;
        return Start < End ? time >= Start && time < End : time >= Start || time < End;
    }
}
