using System.Device.Gpio;

namespace Validator.Gpio.Outputs;

/// <summary>A buzzer with its own oscillator on a GPIO pin (through a transistor): it has one pitch and no volume.</summary>
internal sealed class ActiveBuzzerOutput : IBuzzerOutput
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly PinValue _on;
    private readonly PinValue _off;
    private bool _sounding;

    /// <summary>Drives an already opened pin.</summary>
    public ActiveBuzzerOutput(GpioController controller, int pin, bool activeLow)
    {
        _controller = controller;
        _pin = pin;
        _on = activeLow ? PinValue.Low : PinValue.High;
        _off = activeLow ? PinValue.High : PinValue.Low;
    }

    /// <inheritdoc />
    public void Sound(int hz, double volume)
    {
        // The pitch is the buzzer's own; any volume above zero is full volume.
        var sound = hz > 0 && volume > 0;
        if (sound != _sounding)
        {
            _controller.Write(_pin, sound ? _on : _off);
            _sounding = sound;
        }
    }

    /// <inheritdoc />
    public void Silence()
    {
        _controller.Write(_pin, _off);
        _sounding = false;
    }

    /// <inheritdoc />
    public void Dispose() => Silence();
}
