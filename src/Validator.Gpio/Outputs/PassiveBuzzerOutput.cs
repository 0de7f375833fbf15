using System.Device.Pwm;
using Iot.Device.Buzzer;

namespace Validator.Gpio.Outputs;

/// <summary>A piezo or magnetic transducer on hardware PWM: the pitch is the PWM frequency, the volume its duty cycle.</summary>
internal sealed class PassiveBuzzerOutput : IBuzzerOutput
{
    private readonly PwmChannel _channel;
    private readonly Buzzer _buzzer;
    private int _hz;
    private double _dutyCycle;

    /// <summary>Takes ownership of <paramref name="channel"/>; it is disposed with this buzzer.</summary>
    public PassiveBuzzerOutput(PwmChannel channel)
    {
        _channel = channel;
        _buzzer = new Buzzer(channel);
    }

    /// <summary>
    /// The duty cycle for a loudness: the fundamental of a square wave with duty d has amplitude proportional to
    /// sin(pi d), loudest at 0.5, so d = asin(volume) / pi makes the amplitude follow the volume.
    /// </summary>
    public static double DutyCycleFor(double volume) => Math.Asin(Math.Clamp(volume, 0, 1)) / Math.PI;

    /// <inheritdoc />
    public void Sound(int hz, double volume)
    {
        var dutyCycle = hz > 0 ? DutyCycleFor(volume) : 0;
        if (dutyCycle <= 0)
        {
            if (_hz != 0)
            {
                Silence();
            }

            return;
        }

        if (hz != _hz)
        {
            // Linux sysfs PWM keeps duty_cycle in nanoseconds across a period change, and refuses a period shorter
            // than it (EINVAL): a low tone followed by a high one would fail, a rising one would get louder. So the
            // duty goes to zero first, then the new period, then the duty computed for that period.
            _channel.DutyCycle = 0;
            _buzzer.StartPlaying(hz);
            _channel.DutyCycle = dutyCycle;
            (_hz, _dutyCycle) = (hz, dutyCycle);
        }
        else if (!dutyCycle.Equals(_dutyCycle))
        {
            _channel.DutyCycle = dutyCycle;
            _dutyCycle = dutyCycle;
        }
    }

    /// <inheritdoc />
    public void Silence()
    {
        _buzzer.StopPlaying();
        _hz = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Silence();
        _buzzer.Dispose();
    }
}
