using System.Device.Gpio;
using Validator.Gpio.Patterns;

namespace Validator.Gpio.Outputs;

/// <summary>The green, red and amber LEDs (or an RGB LED without an amber pin) on opened output pins.</summary>
internal sealed class LedBank
{
    private readonly GpioController _controller;
    private readonly int[] _pins;
    private readonly bool[] _lit;
    private readonly PinValue _on;
    private readonly PinValue _off;
    private readonly bool _rgb;

    /// <summary>Drives already opened pins; with no amber pin, amber is red and green together.</summary>
    public LedBank(GpioController controller, int greenPin, int redPin, int? amberPin, bool activeLow)
    {
        _controller = controller;
        _rgb = amberPin is null;
        _pins = _rgb ? [greenPin, redPin] : [greenPin, redPin, amberPin!.Value];
        _lit = new bool[_pins.Length];
        _on = activeLow ? PinValue.Low : PinValue.High;
        _off = activeLow ? PinValue.High : PinValue.Low;
    }

    /// <summary>The pins in green, red, amber order.</summary>
    public IReadOnlyList<int> Pins => _pins;

    /// <summary>The level that keeps an LED dark.</summary>
    public PinValue OffLevel => _off;

    /// <summary>Lights exactly <paramref name="lamp"/>: LEDs going dark first, so an RGB LED never shows a mixed colour in between.</summary>
    public void Show(Lamp lamp)
    {
        var amberMix = _rgb && lamp.HasFlag(Lamp.Amber);
        Span<bool> want = stackalloc bool[_pins.Length];
        want[0] = lamp.HasFlag(Lamp.Green) || amberMix;
        want[1] = lamp.HasFlag(Lamp.Red) || amberMix;
        if (!_rgb)
        {
            want[2] = lamp.HasFlag(Lamp.Amber);
        }

        for (var i = 0; i < _pins.Length; i++)
        {
            if (_lit[i] && !want[i])
            {
                Set(i, false);
            }
        }

        for (var i = 0; i < _pins.Length; i++)
        {
            if (!_lit[i] && want[i])
            {
                Set(i, true);
            }
        }
    }

    /// <summary>Writes the dark level to every LED, whatever it is believed to show.</summary>
    public void AllOff()
    {
        for (var i = 0; i < _pins.Length; i++)
        {
            Set(i, false);
        }
    }

    private void Set(int index, bool lit)
    {
        _controller.Write(_pins[index], lit ? _on : _off);
        _lit[index] = lit;
    }
}
