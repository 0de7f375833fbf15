namespace Validator.Gpio.Outputs;

/// <summary>The buzzer of a unit that has none.</summary>
internal sealed class NoBuzzer : IBuzzerOutput
{
    /// <inheritdoc />
    public void Sound(int hz, double volume)
    {
    }

    /// <inheritdoc />
    public void Silence()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
