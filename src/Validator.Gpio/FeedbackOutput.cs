namespace Validator.Gpio;

/// <summary>The outputs a technician can drive one at a time, by name.</summary>
public enum FeedbackOutput
{
    /// <summary>The green LED.</summary>
    Green,

    /// <summary>The red LED.</summary>
    Red,

    /// <summary>The amber LED (red and green together on an RGB LED).</summary>
    Amber,

    /// <summary>The buzzer.</summary>
    Buzzer,
}
