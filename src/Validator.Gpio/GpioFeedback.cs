using System.Device.Gpio;
using System.Device.Pwm;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Validator.Core.Feedback;
using Validator.Gpio.Options;
using Validator.Gpio.Patterns;
using Validator.Gpio.Playback;
using Validator.Gpio.Setup;

namespace Validator.Gpio;

/// <summary>
/// The validator's LEDs and buzzer: tap feedback, the standing device status, the start-up check and the
/// technician's output test. Open it once at start; disposing it leaves every LED dark and the buzzer silent.
/// </summary>
public sealed class GpioFeedback : IFeedbackSink, IDisposable
{
    /// <summary>The longest a technician may hold one output on, so a forgotten test cannot leave a buzzer sounding.</summary>
    public static readonly TimeSpan MaxTestDuration = TimeSpan.FromSeconds(60);

    private readonly FeedbackPlayer _player;

    private GpioFeedback(FeedbackPlayer player)
    {
        _player = player;
    }

    /// <summary>The status shown between taps.</summary>
    public DeviceStatus Status => _player.Status;

    /// <summary>
    /// Opens the hardware named in <paramref name="options"/>: the configured GPIO driver, every pin, the PWM channel.
    /// Throws <see cref="FeedbackSetupException"/> with every problem found; call it once, not in a retry loop.
    /// </summary>
    public static GpioFeedback Open(FeedbackOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        FeedbackOptionsValidator.ThrowIfInvalid(options);
        return Open(options, GpioDriverFactory.Create(options), pwmChannel: null, time, loggers);
    }

    /// <summary>
    /// Opens the outputs on a given driver and, for a passive buzzer, a given PWM channel (null opens the configured one).
    /// Used by the simulation; takes ownership of both.
    /// </summary>
    public static GpioFeedback Open(FeedbackOptions options, GpioDriver driver, PwmChannel? pwmChannel, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(driver);
        var hardware = FeedbackHardwareProbe.Open(options, driver, pwmChannel is null ? null : () => pwmChannel);
        var logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<GpioFeedback>();
        return new GpioFeedback(new FeedbackPlayer(hardware, new BuzzerVolume(options), time ?? TimeProvider.System, logger));
    }

    /// <summary>
    /// Like <see cref="Open(FeedbackOptions, TimeProvider?, ILoggerFactory?)"/> but returns the problem instead of throwing,
    /// so the host can run on (and report it) rather than exit and be restarted into the same error by systemd.
    /// </summary>
    public static bool TryOpen(
        FeedbackOptions options,
        [NotNullWhen(true)] out GpioFeedback? feedback,
        [NotNullWhen(false)] out FeedbackSetupException? error,
        TimeProvider? time = null,
        ILoggerFactory? loggers = null)
    {
        try
        {
            feedback = Open(options, time, loggers);
            error = null;
            return true;
        }
        catch (FeedbackSetupException ex)
        {
            feedback = null;
            error = ex;
            return false;
        }
    }

    /// <inheritdoc />
    public void Show(TapSignal signal) => _player.Show(signal);

    /// <inheritdoc />
    public void SetStatus(DeviceStatus status) => _player.SetStatus(status);

    /// <summary>Plays the start-up check (each LED, then all with a short beep); the task ends when it is over.</summary>
    public Task PlayStartup() => _player.Play(PatternTable.Startup);

    /// <summary>
    /// Holds one output ("green", "red", "amber" or "buzzer") on for <paramref name="duration"/>, even in quiet hours;
    /// the task ends when the output is off again (or a tap pre-empted the test).
    /// </summary>
    public Task TestOutput(string name, TimeSpan duration)
    {
        if (!FeedbackOutputNames.TryParse(name, out var output))
        {
            throw new ArgumentException($"Unknown output '{name}'; use one of {string.Join(", ", FeedbackOutputNames.All)}.", nameof(name));
        }

        return TestOutput(output, duration);
    }

    /// <summary>Holds one output on for <paramref name="duration"/> (up to <see cref="MaxTestDuration"/>), even in quiet hours.</summary>
    public Task TestOutput(FeedbackOutput output, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero || duration > MaxTestDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"A test lasts more than zero and at most {MaxTestDuration.TotalSeconds} s.");
        }

        return _player.Play(PatternTable.Test(output, duration));
    }

    /// <summary>Stops all feedback at once: every LED dark, the buzzer silent; later calls show nothing.</summary>
    public void Stop() => _player.Stop();

    /// <summary>Stops all feedback and releases the pins and the PWM channel.</summary>
    public void Dispose() => _player.Dispose();
}
