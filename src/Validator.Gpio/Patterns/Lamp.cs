namespace Validator.Gpio.Patterns;

/// <summary>Which LEDs are lit; amber on an RGB LED is red and green together.</summary>
[Flags]
internal enum Lamp
{
    /// <summary>All dark.</summary>
    None = 0,

    /// <summary>The green LED.</summary>
    Green = 1,

    /// <summary>The red LED.</summary>
    Red = 2,

    /// <summary>The amber LED.</summary>
    Amber = 4,

    /// <summary>Every LED (start-up check).</summary>
    All = Green | Red | Amber,
}
