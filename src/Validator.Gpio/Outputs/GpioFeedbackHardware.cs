using System.Device.Gpio;
using Validator.Gpio.Patterns;

namespace Validator.Gpio.Outputs;

/// <summary>The LEDs and buzzer on a GPIO controller whose pins are already opened as outputs.</summary>
internal sealed class GpioFeedbackHardware : IFeedbackHardware
{
    private readonly GpioController _controller;
    private readonly LedBank _leds;
    private readonly IBuzzerOutput _buzzer;

    /// <summary>Takes ownership of the controller and the buzzer.</summary>
    public GpioFeedbackHardware(GpioController controller, LedBank leds, IBuzzerOutput buzzer)
    {
        _controller = controller;
        _leds = leds;
        _buzzer = buzzer;
    }

    /// <inheritdoc />
    public void Show(Lamp lamp, int toneHz, double volume)
    {
        // Light first: the LED is what the driver reads, the tone follows within microseconds.
        _leds.Show(lamp);
        _buzzer.Sound(toneHz, volume);
    }

    /// <inheritdoc />
    public void AllOff()
    {
        // Buzzer first: a buzzer left sounding is the failure passengers notice.
        _buzzer.Silence();
        _leds.AllOff();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            AllOff();
        }
        finally
        {
            _buzzer.Dispose();
            _controller.Dispose();
        }
    }
}
