namespace Validator.Simulation.Gpio;

/// <summary>One recorded change of a simulated PWM channel's output: its settings right after the change.</summary>
/// <param name="Frequency">The frequency in Hz.</param>
/// <param name="DutyCycle">The duty cycle the output really has (duty time over period), 0 to 1.</param>
/// <param name="Running">Whether the channel is producing its signal.</param>
/// <param name="Timestamp">The time provider's timestamp when the change was made.</param>
public readonly record struct PwmChange(int Frequency, double DutyCycle, bool Running, long Timestamp);
