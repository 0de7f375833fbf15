namespace Validator.Gpio.Patterns;

/// <summary>The LEDs and tone from <paramref name="Offset"/> into a pattern until the next frame.</summary>
/// <param name="Offset">When the frame starts, from the start of the pattern.</param>
/// <param name="Lamp">The LEDs lit.</param>
/// <param name="ToneHz">The buzzer pitch in Hz; 0 is silent.</param>
/// <param name="SoftTone">True for a tone played below the current volume (the repeat-tap double beep).</param>
internal readonly record struct FeedbackFrame(TimeSpan Offset, Lamp Lamp, int ToneHz, bool SoftTone);
