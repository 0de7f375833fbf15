using Validator.Core.Feedback;

namespace Validator.Gpio.Patterns;

/// <summary>
/// Every signal and status as a timeline. docs/feedback.md is the truth: change the table there first, then here,
/// and the tests that read these timelines back from the simulated pins.
/// </summary>
internal static class PatternTable
{
    /// <summary>Near the resonance of common 12 mm piezo discs, so the good beep is the loudest.</summary>
    public const int BeepHz = 2400;

    /// <summary>A low pitch reads as "no" in every culture the buses serve, and carries over engine noise.</summary>
    public const int LowHz = 600;

    /// <summary>The three steps of the rising "try again" tone.</summary>
    public static readonly int[] RisingHz = [1000, 1400, 1800];

    /// <summary>Green about 1 s, one short beep.</summary>
    public static readonly FeedbackPattern Accepted = new PatternBuilder()
        .Light(Lamp.Green, 0, 1000)
        .Tone(BeepHz, 0, 120)
        .Build(nameof(Accepted), 1000);

    /// <summary>Green blinking three times, a soft double beep.</summary>
    public static readonly FeedbackPattern AlreadyValidated = new PatternBuilder()
        .Blink(Lamp.Green, onMs: 200, offMs: 150, count: 3)
        .Beeps(BeepHz, onMs: 60, offMs: 90, count: 2, soft: true)
        .Build(nameof(AlreadyValidated), 1000);

    /// <summary>Red about 1.5 s, two low beeps.</summary>
    public static readonly FeedbackPattern Rejected = new PatternBuilder()
        .Light(Lamp.Red, 0, 1500)
        .Beeps(LowHz, onMs: 200, offMs: 100, count: 2)
        .Build(nameof(Rejected), 1500);

    /// <summary>Red about 1.5 s, three low beeps so the driver notices a deny-listed card.</summary>
    public static readonly FeedbackPattern RejectedDenyList = new PatternBuilder()
        .Light(Lamp.Red, 0, 1500)
        .Beeps(LowHz, onMs: 200, offMs: 100, count: 3)
        .Build(nameof(RejectedDenyList), 1500);

    /// <summary>Amber blinking four times, a rising three-step tone.</summary>
    public static readonly FeedbackPattern TapAgain = new PatternBuilder()
        .Blink(Lamp.Amber, onMs: 150, offMs: 150, count: 4)
        .Tone(RisingHz[0], 0, 100)
        .Tone(RisingHz[1], 100, 100)
        .Tone(RisingHz[2], 200, 100)
        .Build(nameof(TapAgain), 1200);

    /// <summary>Each LED in turn, then all of them with a short beep: a technician sees every part work at boot.</summary>
    public static readonly FeedbackPattern Startup = new PatternBuilder()
        .Light(Lamp.Green, 0, 300)
        .Light(Lamp.Red, 300, 300)
        .Light(Lamp.Amber, 600, 300)
        .Light(Lamp.All, 900, 400)
        .Tone(BeepHz, 900, 100)
        .Build(nameof(Startup), 1300);

    /// <summary>A short amber flash every second: alive, not ready yet.</summary>
    public static readonly FeedbackPattern Starting = new PatternBuilder()
        .Light(Lamp.Amber, 0, 100)
        .Build(nameof(Starting), 1000, loops: true);

    /// <summary>Amber steady.</summary>
    public static readonly FeedbackPattern Ready = new PatternBuilder()
        .Light(Lamp.Amber, 0, 1000)
        .Build(nameof(Ready), 1000, loops: true);

    /// <summary>Amber steady with one short dark wink every 3 s: taps still work, the back office is out of reach.</summary>
    public static readonly FeedbackPattern Offline = new PatternBuilder()
        .Light(Lamp.Amber, 0, 2800)
        .Build(nameof(Offline), 3000, loops: true);

    /// <summary>Amber steady with a double wink every 3 s: taps still work, the lists are older than policy allows.</summary>
    public static readonly FeedbackPattern ListsStale = new PatternBuilder()
        .Light(Lamp.Amber, 0, 2400)
        .Light(Lamp.Amber, 2550, 150)
        .Build(nameof(ListsStale), 3000, loops: true);

    /// <summary>A slow red blink (0.2 s every 2 s): no taps are taken; dark would look like a dead unit.</summary>
    public static readonly FeedbackPattern OutOfService = new PatternBuilder()
        .Light(Lamp.Red, 0, 200)
        .Build(nameof(OutOfService), 2000, loops: true);

    /// <summary>The pattern for a tap signal.</summary>
    public static FeedbackPattern For(TapSignal signal) => signal switch
    {
        TapSignal.Accepted => Accepted,
        TapSignal.AlreadyValidated => AlreadyValidated,
        TapSignal.Rejected => Rejected,
        TapSignal.RejectedDenyList => RejectedDenyList,
        TapSignal.TapAgain => TapAgain,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Unknown tap signal."),
    };

    /// <summary>The standing pattern for a device status.</summary>
    public static FeedbackPattern For(DeviceStatus status) => status switch
    {
        DeviceStatus.Starting => Starting,
        DeviceStatus.Ready => Ready,
        DeviceStatus.Offline => Offline,
        DeviceStatus.ListsStale => ListsStale,
        DeviceStatus.OutOfService => OutOfService,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown device status."),
    };

    /// <summary>One output held on for <paramref name="duration"/>, for the technician's test; heard even in quiet hours.</summary>
    public static FeedbackPattern Test(FeedbackOutput output, TimeSpan duration)
    {
        var ms = (int)Math.Ceiling(duration.TotalMilliseconds);
        var builder = new PatternBuilder();
        _ = output switch
        {
            FeedbackOutput.Green => builder.Light(Lamp.Green, 0, ms),
            FeedbackOutput.Red => builder.Light(Lamp.Red, 0, ms),
            FeedbackOutput.Amber => builder.Light(Lamp.Amber, 0, ms),
            FeedbackOutput.Buzzer => builder.Tone(BeepHz, 0, ms),
            _ => throw new ArgumentOutOfRangeException(nameof(output), output, "Unknown output."),
        };
        return builder.Build($"Test {output}", ms, bypassQuietHours: true);
    }
}
