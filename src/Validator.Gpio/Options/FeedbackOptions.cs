namespace Validator.Gpio.Options;

/// <summary>LED and buzzer wiring and behaviour, bound from the "Feedback" configuration section.</summary>
public sealed class FeedbackOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Feedback";

    /// <summary>The GPIO driver; see <see cref="GpioDriverKind"/> for why there is no automatic choice.</summary>
    public GpioDriverKind Driver { get; set; } = GpioDriverKind.LibGpiod;

    /// <summary>The GPIO chip for the libgpiod and sysfs drivers (0 on Pi 3/4 and on Pi 5 with kernel 6.6.47 or later).</summary>
    public int GpioChip { get; set; }

    /// <summary>BCM pin of the green LED (or the green leg of an RGB LED).</summary>
    public int GreenPin { get; set; } = 17;

    /// <summary>BCM pin of the red LED (or the red leg of an RGB LED).</summary>
    public int RedPin { get; set; } = 27;

    /// <summary>BCM pin of the amber LED; null for an RGB LED, where amber is shown as red and green together.</summary>
    public int? AmberPin { get; set; } = 22;

    /// <summary>True when an LED lights with the pin low (LED to 3.3 V, or a common-anode RGB LED).</summary>
    public bool LedsActiveLow { get; set; }

    /// <summary>The kind of buzzer fitted.</summary>
    public BuzzerKind Buzzer { get; set; } = BuzzerKind.Passive;

    /// <summary>BCM pin of the buzzer: the switched pin of an active buzzer, or the pin the PWM overlay routes to (PWM0 is GPIO 18).</summary>
    public int BuzzerPin { get; set; } = 18;

    /// <summary>True when an active buzzer sounds with its pin low.</summary>
    public bool BuzzerActiveLow { get; set; }

    /// <summary>PWM chip of a passive buzzer (<c>/sys/class/pwm/pwmchipN</c>).</summary>
    public int PwmChip { get; set; }

    /// <summary>PWM channel of a passive buzzer (0 for PWM0 on GPIO 18).</summary>
    public int PwmChannel { get; set; }

    /// <summary>Buzzer volume in percent of full; 0 silences it. An active buzzer is either on (above 0) or off.</summary>
    public int VolumePercent { get; set; } = 100;

    /// <summary>The daily window with a softer buzzer.</summary>
    public QuietHoursOptions QuietHours { get; set; } = new();
}
