using Validator.Core.Feedback;
using Validator.Gpio.Outputs;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

/// <summary>The passive buzzer over a PWM channel that behaves like Linux sysfs PWM (duty time kept across a period change).</summary>
public class Buzzer_tones
{
    [Test]
    public void A_high_tone_right_after_a_low_one_plays_instead_of_failing()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Rejected);
        rig.Advance(100);
        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(500);

        Expect.Tones(rig.Beeps(), (0, 100, 600), (100, 220, 2400));
    }

    [Test]
    public void Every_tone_of_a_rising_sequence_plays_at_the_same_volume()
    {
        using var rig = Start(o => o.VolumePercent = 50).Ready();

        rig.Feedback.Show(TapSignal.TapAgain);
        rig.Advance(500);

        var beeps = rig.Beeps();
        Expect.Tones(beeps, (0, 100, 1000), (100, 200, 1400), (200, 300, 1800));
        Assert.That(beeps.Select(b => b.DutyCycle), Is.All.EqualTo(PassiveBuzzerOutput.DutyCycleFor(0.5)).Within(0.001));
    }

    [Test]
    public void A_soft_beep_is_quieter_than_a_normal_one_and_both_follow_the_volume()
    {
        using var rig = Start(o => o.VolumePercent = 80).Ready();

        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(1100);
        rig.Feedback.Show(TapSignal.AlreadyValidated);
        rig.Advance(500);

        var beeps = rig.Beeps();
        Assert.That(beeps, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(beeps[0].DutyCycle, Is.EqualTo(PassiveBuzzerOutput.DutyCycleFor(0.8)).Within(0.001));
            Assert.That(beeps[1].DutyCycle, Is.EqualTo(PassiveBuzzerOutput.DutyCycleFor(0.8 * 0.4)).Within(0.001));
            Assert.That(beeps[2].DutyCycle, Is.EqualTo(beeps[1].DutyCycle));
        });
    }
}
