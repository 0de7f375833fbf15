using System.Device.Gpio;
using System.Text;

namespace Validator.Simulation.Gpio;

/// <summary>Draws the simulated LEDs and buzzer as one line of text, e.g. "[G] [ ] [ ] ♪", for the demo's terminal.</summary>
public sealed class TerminalLedRenderer
{
    private const string Note = "♪";
    private readonly SimulatedGpioDriver _driver;
    private readonly IReadOnlyList<RenderedLamp> _lamps;
    private readonly bool _activeLow;
    private readonly int? _buzzerPin;
    private readonly bool _buzzerActiveLow;
    private readonly SimulatedPwmChannel? _pwm;

    /// <summary>Creates a renderer for <paramref name="lamps"/>, and a buzzer on a GPIO pin or on a PWM channel if given.</summary>
    public TerminalLedRenderer(
        SimulatedGpioDriver driver,
        IReadOnlyList<RenderedLamp> lamps,
        bool activeLow = false,
        int? buzzerPin = null,
        bool buzzerActiveLow = false,
        SimulatedPwmChannel? pwm = null)
    {
        _driver = driver ?? throw new ArgumentNullException(nameof(driver));
        _lamps = lamps ?? throw new ArgumentNullException(nameof(lamps));
        _activeLow = activeLow;
        _buzzerPin = buzzerPin;
        _buzzerActiveLow = buzzerActiveLow;
        _pwm = pwm;
    }

    /// <summary>The usual green, red and amber LEDs on the given pins.</summary>
    public static IReadOnlyList<RenderedLamp> TrafficLight(int green, int red, int amber) =>
        [new("G", green, "32"), new("R", red, "31"), new("A", amber, "33")];

    /// <summary>The current state as one line; with <paramref name="useColor"/> lit LEDs carry ANSI colours.</summary>
    public string Render(bool useColor = true)
    {
        var line = new StringBuilder();
        foreach (var lamp in _lamps)
        {
            var lit = IsActive(_driver.LevelOf(lamp.Pin), _activeLow);
            var letter = lit ? lamp.Letter : " ";
            line.Append(lit && useColor ? $"[\u001b[1;{lamp.AnsiColor}m{letter}\u001b[0m] " : $"[{letter}] ");
        }

        line.Append(IsBuzzing() ? Note : " ");
        return line.ToString();
    }

    private static bool IsActive(PinValue level, bool activeLow) => activeLow ? level == PinValue.Low : level == PinValue.High;

    private bool IsBuzzing()
    {
        if (_pwm is not null && _pwm.IsRunning && _pwm.EffectiveDutyCycle > 0)
        {
            return true;
        }

        return _buzzerPin is int pin && IsActive(_driver.LevelOf(pin), _buzzerActiveLow);
    }
}
