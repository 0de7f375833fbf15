namespace Validator.Gpio.Outputs;

/// <summary>A buzzer that can sound a pitch at a volume, or be silent.</summary>
internal interface IBuzzerOutput : IDisposable
{
    /// <summary>Sounds <paramref name="hz"/> at <paramref name="volume"/> (0 to 1); 0 Hz or volume 0 is silence.</summary>
    void Sound(int hz, double volume);

    /// <summary>Stops any sound, whatever the buzzer is believed to do.</summary>
    void Silence();
}
