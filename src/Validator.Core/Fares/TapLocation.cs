namespace Validator.Core.Fares;

/// <summary>Where the bus is when the card is tapped; any part may be unknown (null).</summary>
/// <param name="Line">Line the bus is serving.</param>
/// <param name="Stop">Stop the bus is at or last left.</param>
/// <param name="Zone">Fare zone of that stop.</param>
public sealed record TapLocation(string? Line, string? Stop = null, string? Zone = null)
{
    /// <summary>Nothing known.</summary>
    public static TapLocation Unknown { get; } = new(Line: null);
}
