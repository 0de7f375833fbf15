namespace Validator.Gpio.Options;

/// <summary>What kind of buzzer is fitted.</summary>
public enum BuzzerKind
{
    /// <summary>No buzzer; feedback is light only.</summary>
    None,

    /// <summary>A buzzer with its own oscillator on a plain GPIO pin: on or off, one pitch, no volume control.</summary>
    Active,

    /// <summary>A piezo or magnetic transducer on hardware PWM: the pitch is the PWM frequency, the volume its duty cycle.</summary>
    Passive,
}
