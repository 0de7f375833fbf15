using Validator.Gpio.Options;

namespace Validator.Gpio.Playback;

/// <summary>The buzzer volume at a given local time: the configured volume, lowered inside quiet hours.</summary>
internal sealed class BuzzerVolume
{
    /// <summary>A soft tone (repeat-tap double beep) plays at this share of the current volume.</summary>
    public const double SoftShare = 0.4;

    private readonly double _normal;
    private readonly double _quiet;
    private readonly TimeOnly? _from;
    private readonly TimeOnly? _until;

    /// <summary>Reads the volumes and the quiet window from validated options.</summary>
    public BuzzerVolume(FeedbackOptions options)
    {
        _normal = options.VolumePercent / 100.0;
        _quiet = Math.Min(_normal, (options.QuietHours?.VolumePercent ?? options.VolumePercent) / 100.0);
        _from = options.QuietHours?.From;
        _until = options.QuietHours?.Until;
    }

    /// <summary>True when <paramref name="localNow"/> falls in the quiet window (which may run past midnight).</summary>
    public bool IsQuiet(DateTimeOffset localNow) =>
        _from is TimeOnly from && _until is TimeOnly until && TimeOnly.FromDateTime(localNow.DateTime).IsBetween(from, until);

    /// <summary>The volume, 0 to 1, for a pattern starting at <paramref name="localNow"/>.</summary>
    public double At(DateTimeOffset localNow, bool bypassQuietHours) =>
        !bypassQuietHours && IsQuiet(localNow) ? _quiet : _normal;
}
