namespace Validator.Fares.Tests;

/// <summary>Instants given as Berlin wall-clock times, so test tables read like a timetable.</summary>
internal static class TestTimes
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>The instant at which Berlin clocks show <paramref name="local"/>.</summary>
    public static DateTimeOffset Berlin(DateTime local) =>
        new(local, Zone.GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified)));

    /// <summary>Parses "yyyy-MM-dd HH:mm" as Berlin local time.</summary>
    public static DateTimeOffset Berlin(string local) =>
        Berlin(DateTime.ParseExact(local, "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
}
