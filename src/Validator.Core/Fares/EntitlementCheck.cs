using Validator.Core.Lists;

namespace Validator.Core.Fares;

/// <summary>
/// How one entitlement fares against a tap, in the order the checks run. Later values got further, so among
/// several failing passes the one with the highest value gives the most useful reason.
/// </summary>
internal enum EntitlementCheck
{
    UnknownProduct,
    NotYetValid,
    Expired,
    WrongLine,
    WrongZone,
    OutsideTime,
    Valid,
}

/// <summary>The entitlement rules: product, dates, line, zone, weekday, time window.</summary>
internal static class EntitlementRules
{
    /// <summary>Checks <paramref name="e"/> against the tap; <paramref name="knowTimeOfDay"/> false skips weekday and time checks.</summary>
    public static EntitlementCheck Check(in EntitlementEntry e, ListSnapshot lists, DateOnly today, TimeOnly timeOfDay, DayOfWeek weekday, bool knowTimeOfDay, TapLocation location)
    {
        if (!lists.IsKnownProduct(e.Product)) return EntitlementCheck.UnknownProduct;
        if (today < e.ValidFrom) return EntitlementCheck.NotYetValid;
        if (today > e.ValidTo) return EntitlementCheck.Expired;
        // An unknown line or zone (driver did not log on) gets the benefit of the doubt rather than stranding a student.
        if (location.Line is not null && e.Lines.Length > 0 && !Contains(e.Lines, location.Line)) return EntitlementCheck.WrongLine;
        if (location.Zone is not null && e.Zones.Length > 0 && !Contains(e.Zones, location.Zone)) return EntitlementCheck.WrongZone;
        if (knowTimeOfDay)
        {
            if ((e.Days & weekday.ToWeekdays()) == 0) return EntitlementCheck.OutsideTime;
            if (e.Windows.Length > 0 && !InAnyWindow(e.Windows, timeOfDay)) return EntitlementCheck.OutsideTime;
        }
        return EntitlementCheck.Valid;
    }

    /// <summary>The reason code a failed check gives.</summary>
    public static string ReasonFor(EntitlementCheck check) => check switch
    {
        EntitlementCheck.NotYetValid => FareReasons.PassNotYetValid,
        EntitlementCheck.Expired => FareReasons.PassExpired,
        EntitlementCheck.WrongLine => FareReasons.WrongLine,
        EntitlementCheck.WrongZone => FareReasons.WrongZone,
        EntitlementCheck.OutsideTime => FareReasons.OutsideTime,
        EntitlementCheck.Valid => FareReasons.AcceptedPass,
        _ => FareReasons.NoTicket,
    };

    private static bool Contains(ReadOnlySpan<string> values, string value)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static bool InAnyWindow(ReadOnlySpan<TimeWindow> windows, TimeOnly time)
    {
        for (var i = 0; i < windows.Length; i++)
        {
            if (windows[i].Contains(time)) return true;
        }
        return false;
    }
}
