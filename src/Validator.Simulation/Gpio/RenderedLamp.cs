namespace Validator.Simulation.Gpio;

/// <summary>One LED as the terminal renderer draws it.</summary>
/// <param name="Letter">The letter shown when lit, e.g. "G".</param>
/// <param name="Pin">The GPIO pin driving the LED.</param>
/// <param name="AnsiColor">The ANSI SGR code for its colour, e.g. "32" for green.</param>
public sealed record RenderedLamp(string Letter, int Pin, string AnsiColor);
