using System.Globalization;

namespace Validator.Gpio.Options;

/// <summary>Checks <see cref="FeedbackOptions"/> before any pin is touched, so a bad pin map is a clear message, not a GPIO error.</summary>
public static class FeedbackOptionsValidator
{
    /// <summary>Highest BCM number on the Raspberry Pi 40-pin header.</summary>
    private const int HighestHeaderPin = 27;

    /// <summary>Pins the hardware PWM block can drive: PWM0/PWM1 on Pi 3/4, PWM0 channels 0-3 on the Pi 5.</summary>
    private static readonly int[] PwmPins = [12, 13, 18, 19];

    /// <summary>Every problem with <paramref name="options"/>, each naming its configuration key; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(FeedbackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();

        if (!Enum.IsDefined(options.Driver))
        {
            problems.Add(Key("Driver") + $" is {(int)options.Driver}; use one of {string.Join(", ", Enum.GetNames<GpioDriverKind>())}.");
        }

        if (!Enum.IsDefined(options.Buzzer))
        {
            problems.Add(Key("Buzzer") + $" is {(int)options.Buzzer}; use one of {string.Join(", ", Enum.GetNames<BuzzerKind>())}.");
        }

        if (options.GpioChip < 0)
        {
            problems.Add(Key("GpioChip") + $" is {options.GpioChip}; a chip number is 0 or more (/dev/gpiochipN).");
        }

        var outputs = new List<(string Key, int Pin)>
        {
            ("GreenPin", options.GreenPin),
            ("RedPin", options.RedPin),
        };
        if (options.AmberPin is int amber)
        {
            outputs.Add(("AmberPin", amber));
        }

        if (options.Buzzer != BuzzerKind.None)
        {
            outputs.Add(("BuzzerPin", options.BuzzerPin));
        }

        foreach (var (key, pin) in outputs)
        {
            CheckHeaderPin(problems, key, pin);
        }

        foreach (var clash in outputs.GroupBy(o => o.Pin).Where(g => g.Count() > 1))
        {
            problems.Add($"{string.Join(" and ", clash.Select(o => Key(o.Key)))} are all GPIO {clash.Key}; each output needs a pin of its own.");
        }

        if (options.Buzzer == BuzzerKind.Passive)
        {
            CheckPassiveBuzzer(problems, options);
        }

        CheckVolume(problems, "VolumePercent", options.VolumePercent);
        CheckQuietHours(problems, options.QuietHours);
        return problems;
    }

    /// <summary>Throws <see cref="FeedbackSetupException"/> listing every problem when <paramref name="options"/> are invalid.</summary>
    public static void ThrowIfInvalid(FeedbackOptions options)
    {
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new FeedbackSetupException("The feedback configuration is invalid", problems);
        }
    }

    private static void CheckHeaderPin(List<string> problems, string key, int pin)
    {
        if (pin is < 0 or > HighestHeaderPin)
        {
            problems.Add(Key(key) + $" is {pin}; BCM pins on the 40-pin header are 2 to {HighestHeaderPin}.");
        }
        else if (pin is 0 or 1)
        {
            // GPIO 0/1 are ID_SD/ID_SC: the firmware probes them for a HAT EEPROM at boot.
            problems.Add(Key(key) + $" is GPIO {pin}, reserved for the HAT ID EEPROM; use a pin from 2 to {HighestHeaderPin}.");
        }
    }

    private static void CheckPassiveBuzzer(List<string> problems, FeedbackOptions options)
    {
        if (Array.IndexOf(PwmPins, options.BuzzerPin) < 0)
        {
            problems.Add(Key("BuzzerPin") + $" is GPIO {options.BuzzerPin}, which hardware PWM cannot drive; a passive buzzer needs GPIO 12, 13, 18 or 19.");
        }

        if (options.PwmChip < 0)
        {
            problems.Add(Key("PwmChip") + $" is {options.PwmChip}; a PWM chip number is 0 or more (/sys/class/pwm/pwmchipN).");
        }

        if (options.PwmChannel is < 0 or > 3)
        {
            problems.Add(Key("PwmChannel") + $" is {options.PwmChannel}; PWM channels are 0 to 3.");
        }
    }

    private static void CheckVolume(List<string> problems, string key, int percent)
    {
        if (percent is < 0 or > 100)
        {
            problems.Add(Key(key) + $" is {percent}; a volume is 0 (silent) to 100 percent.");
        }
    }

    private static void CheckQuietHours(List<string> problems, QuietHoursOptions? quiet)
    {
        if (quiet is null)
        {
            return;
        }

        if (quiet.From.HasValue != quiet.Until.HasValue)
        {
            problems.Add(Key("QuietHours") + " needs both From and Until (e.g. 21:00 and 06:00), or neither.");
        }
        else if (quiet.From is TimeOnly from && quiet.Until == from)
        {
            problems.Add(Key("QuietHours") + $" starts and ends at {from.ToString("HH:mm", CultureInfo.InvariantCulture)}; the window would be empty.");
        }

        CheckVolume(problems, "QuietHours:VolumePercent", quiet.VolumePercent);
    }

    private static string Key(string name) => $"{FeedbackOptions.SectionName}:{name}";
}
