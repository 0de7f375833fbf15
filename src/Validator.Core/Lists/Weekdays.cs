namespace Validator.Core.Lists;

/// <summary>Days of the week an entitlement is valid on.</summary>
[Flags]
public enum Weekdays
{
    /// <summary>No day.</summary>
    None = 0,

    /// <summary>Monday.</summary>
    Monday = 1,

    /// <summary>Tuesday.</summary>
    Tuesday = 2,

    /// <summary>Wednesday.</summary>
    Wednesday = 4,

    /// <summary>Thursday.</summary>
    Thursday = 8,

    /// <summary>Friday.</summary>
    Friday = 16,

    /// <summary>Saturday.</summary>
    Saturday = 32,

    /// <summary>Sunday.</summary>
    Sunday = 64,

    /// <summary>Monday to Friday (school days).</summary>
    MondayToFriday = Monday | Tuesday | Wednesday | Thursday | Friday,

    /// <summary>Every day.</summary>
    All = MondayToFriday | Saturday | Sunday,
}

/// <summary>Converts <see cref="DayOfWeek"/> to <see cref="Weekdays"/>.</summary>
public static class WeekdaysExtensions
{
    /// <summary>The flag for one day.</summary>
    public static Weekdays ToWeekdays(this DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => Weekdays.Monday,
        DayOfWeek.Tuesday => Weekdays.Tuesday,
        DayOfWeek.Wednesday => Weekdays.Wednesday,
        DayOfWeek.Thursday => Weekdays.Thursday,
        DayOfWeek.Friday => Weekdays.Friday,
        DayOfWeek.Saturday => Weekdays.Saturday,
        DayOfWeek.Sunday => Weekdays.Sunday,
        _ => throw new ArgumentOutOfRangeException(nameof(day)),
    };
}
