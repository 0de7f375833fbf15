using Validator.Gpio.Patterns;

namespace Validator.Gpio.Outputs;

/// <summary>The LEDs and buzzer as the player drives them; only pins whose level changes are written.</summary>
internal interface IFeedbackHardware : IDisposable
{
    /// <summary>Lights exactly <paramref name="lamp"/> and sounds <paramref name="toneHz"/> (0 silent) at <paramref name="volume"/> (0 to 1).</summary>
    void Show(Lamp lamp, int toneHz, double volume);

    /// <summary>Turns every LED off and silences the buzzer.</summary>
    void AllOff();
}
