namespace Validator.Gpio.Options;

/// <summary>A daily window (local time) in which the buzzer is softer or silent, e.g. late-evening services.</summary>
public sealed class QuietHoursOptions
{
    /// <summary>Local time the quiet window starts, e.g. 21:00; the window may run past midnight.</summary>
    public TimeOnly? From { get; set; }

    /// <summary>Local time the quiet window ends, e.g. 06:00.</summary>
    public TimeOnly? Until { get; set; }

    /// <summary>Buzzer volume inside the window in percent of full; 0 silences it.</summary>
    public int VolumePercent { get; set; } = 20;
}
