using Validator.Core.Feedback;
using Validator.Gpio.Options;
using Validator.Gpio.Outputs;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

public class Quiet_hours
{
    private static DateTimeOffset At(int hour, int minute) => new(2026, 11, 28, hour, minute, 0, TimeSpan.Zero);

    private static void LateEvening(FeedbackOptions options, int volumePercent)
    {
        options.QuietHours.From = new TimeOnly(21, 0);
        options.QuietHours.Until = new TimeOnly(6, 0);
        options.QuietHours.VolumePercent = volumePercent;
    }

    [TestCase(21, 0)]
    [TestCase(23, 30)]
    [TestCase(5, 59)]
    public void Silence_the_buzzer_inside_the_window_but_keep_the_lights(int hour, int minute)
    {
        using var rig = Start(o => LateEvening(o, volumePercent: 0), At(hour, minute)).Ready();

        rig.Feedback.Show(TapSignal.RejectedDenyList);
        rig.Advance(2000);

        Expect.Tones(rig.Beeps());
        Expect.Intervals(rig.Lit(Red), (0, 1500));
    }

    [TestCase(6, 0)]
    [TestCase(12, 0)]
    [TestCase(20, 59)]
    public void Leave_the_buzzer_at_full_volume_outside_the_window(int hour, int minute)
    {
        using var rig = Start(o => LateEvening(o, volumePercent: 0), At(hour, minute)).Ready();

        rig.Feedback.Show(TapSignal.Accepted);

        Assert.That(rig.Beeps().Single().DutyCycle, Is.EqualTo(0.5).Within(1e-9));
    }

    [Test]
    public void Soften_the_buzzer_to_the_quiet_volume()
    {
        using var rig = Start(o => LateEvening(o, volumePercent: 30), At(22, 15)).Ready();

        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(500);

        var beep = rig.Beeps().Single();
        Assert.That(beep.DutyCycle, Is.EqualTo(PassiveBuzzerOutput.DutyCycleFor(0.3)).Within(1e-4), "sysfs keeps whole nanoseconds");
        Assert.That(beep.DutyCycle, Is.LessThan(0.5));
    }

    [Test]
    public void Take_effect_for_the_next_tap_once_the_window_opens()
    {
        using var rig = Start(o => LateEvening(o, volumePercent: 0), At(20, 59)).Ready();
        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(61_000);
        rig.MarkOrigin();

        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(500);

        Expect.Tones(rig.Beeps());
    }

    [Test]
    public void Mute_an_active_buzzer_when_the_quiet_volume_is_zero()
    {
        using var rig = Start(
            o =>
            {
                LateEvening(o, volumePercent: 0);
                o.Buzzer = BuzzerKind.Active;
                o.BuzzerPin = 23;
            },
            At(23, 0)).Ready();

        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(2000);

        Expect.Intervals(rig.Lit(23));
    }

    [Test]
    public void Do_not_silence_the_technicians_buzzer_test()
    {
        using var rig = Start(o => LateEvening(o, volumePercent: 0), At(23, 0)).Ready();

        _ = rig.Feedback.TestOutput("buzzer", TimeSpan.FromSeconds(2));
        rig.Advance(3000);

        Expect.Tones(rig.Beeps(), (0, 2000, 2400));
    }
}
