namespace Validator.Core.Fares;

/// <summary>The last accepted tap of a card: when, and with which product (null for pay-as-you-go).</summary>
/// <param name="At">Device clock at the tap.</param>
/// <param name="Product">Product of the pass used; null for pay-as-you-go.</param>
/// <param name="Monotonic">The monotonic clock at the tap (<see cref="Clock.ClockReading.Monotonic"/>) when it was taken by
/// this running service; null for taps remembered from the journal, which are compared by <paramref name="At"/>.</param>
public readonly record struct RecentTap(DateTimeOffset At, string? Product, TimeSpan? Monotonic = null)
{
    /// <summary>
    /// How long before <paramref name="clock"/> this tap was: by the monotonic clock when both have it, so a wall clock
    /// set forward or back between two taps does not open the repeat window; otherwise by the wall clock, either way round.
    /// </summary>
    public TimeSpan Before(Clock.ClockReading clock) =>
        clock.Monotonic is { } now && Monotonic is { } then ? (now - then).Duration() : (clock.Now - At).Duration();
}
