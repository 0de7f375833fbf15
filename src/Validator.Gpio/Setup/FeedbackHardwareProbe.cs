using System.Device.Gpio;
using System.Device.Pwm;
using Validator.Gpio.Options;
using Validator.Gpio.Outputs;

namespace Validator.Gpio.Setup;

/// <summary>
/// Opens every configured pin (and the PWM channel) once at start, dark and silent, and reports every pin that
/// cannot be opened in one error, so a bad map is fixed in one go instead of a service restart per pin.
/// </summary>
internal static class FeedbackHardwareProbe
{
    /// <summary>Opens the outputs on <paramref name="driver"/>; takes ownership of the driver and of the channel the factory returns.</summary>
    public static GpioFeedbackHardware Open(FeedbackOptions options, GpioDriver driver, Func<PwmChannel>? pwmFactory)
    {
        FeedbackOptionsValidator.ThrowIfInvalid(options);
        var controller = new GpioController(driver);
        IBuzzerOutput? buzzer = null;
        try
        {
            var problems = new List<string>();
            var leds = new LedBank(controller, options.GreenPin, options.RedPin, options.AmberPin, options.LedsActiveLow);
            string[] keys = ["GreenPin", "RedPin", "AmberPin"];
            for (var i = 0; i < leds.Pins.Count; i++)
            {
                TryOpenOutput(controller, keys[i], leds.Pins[i], leds.OffLevel, options, problems);
            }

            if (options.Buzzer == BuzzerKind.Active)
            {
                var off = options.BuzzerActiveLow ? PinValue.High : PinValue.Low;
                if (TryOpenOutput(controller, "BuzzerPin", options.BuzzerPin, off, options, problems))
                {
                    buzzer = new ActiveBuzzerOutput(controller, options.BuzzerPin, options.BuzzerActiveLow);
                }
            }
            else if (options.Buzzer == BuzzerKind.Passive)
            {
                buzzer = TryOpenPwm(options, pwmFactory, problems);
            }

            if (problems.Count > 0)
            {
                throw new FeedbackSetupException($"The feedback outputs could not be opened with the {options.Driver} driver", problems);
            }

            var hardware = new GpioFeedbackHardware(controller, leds, buzzer ?? new NoBuzzer());
            hardware.AllOff();
            return hardware;
        }
        catch
        {
            buzzer?.Dispose();
            controller.Dispose();
            throw;
        }
    }

    private static bool TryOpenOutput(GpioController controller, string key, int pin, PinValue off, FeedbackOptions options, List<string> problems)
    {
        try
        {
            // Opening straight into the dark level: an active-low LED must not flash while the service starts.
            controller.OpenPin(pin, PinMode.Output, off);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            problems.Add($"{FeedbackOptions.SectionName}:{key} GPIO {pin} (gpiochip {options.GpioChip}) cannot be opened as an output: {ex.Message}"
                + " Is another program using the pin, or is the service user missing from the gpio group?");
            return false;
        }
    }

    private static PassiveBuzzerOutput? TryOpenPwm(FeedbackOptions options, Func<PwmChannel>? pwmFactory, List<string> problems)
    {
        try
        {
            var channel = pwmFactory is null
                ? PwmChannel.Create(options.PwmChip, options.PwmChannel, frequency: 400, dutyCyclePercentage: 0)
                : pwmFactory();
            return new PassiveBuzzerOutput(channel);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            problems.Add($"{FeedbackOptions.SectionName}:PwmChip {options.PwmChip} channel {options.PwmChannel} cannot be opened: {ex.Message}"
                + $" Is 'dtoverlay=pwm,pin={options.BuzzerPin},func={PwmFunction(options.BuzzerPin)}' in /boot/firmware/config.txt, and /sys/class/pwm writable by the service user?");
            return null;
        }
    }

    /// <summary>The ALT function that routes PWM to a pin on Pi 3/4 (GPIO 12/13 ALT0 = 4, GPIO 18/19 ALT5 = 2).</summary>
    private static int PwmFunction(int pin) => pin is 12 or 13 ? 4 : 2;
}
