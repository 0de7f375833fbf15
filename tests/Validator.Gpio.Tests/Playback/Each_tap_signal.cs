using Validator.Core.Feedback;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

/// <summary>The timelines of docs/feedback.md, read back from the simulated pins and PWM channel.</summary>
public class Each_tap_signal
{
    [Test]
    public void Accepted_lights_green_for_one_second_with_one_short_beep()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(2000);

        Expect.Intervals(rig.Lit(Green), (0, 1000));
        Expect.Intervals(rig.Lit(Red));
        Expect.Intervals(rig.Lit(Amber), (1000, 2000));
        Expect.Tones(rig.Beeps(), (0, 120, 2400));
    }

    [Test]
    public void Already_validated_blinks_green_with_a_soft_double_beep()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.AlreadyValidated);
        rig.Advance(1500);

        Expect.Intervals(rig.Lit(Green), (0, 200), (350, 550), (700, 900));
        Expect.Intervals(rig.Lit(Amber), (1000, 1500));
        var beeps = rig.Beeps();
        Expect.Tones(beeps, (0, 60, 2400), (150, 210, 2400));
        Assert.That(beeps.Select(b => b.DutyCycle), Is.All.LessThan(0.5), "a soft beep is quieter than full volume (duty 0.5)");
    }

    [Test]
    public void Rejected_lights_red_for_one_and_a_half_seconds_with_two_low_beeps()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Rejected);
        rig.Advance(2000);

        Expect.Intervals(rig.Lit(Red), (0, 1500));
        Expect.Intervals(rig.Lit(Green));
        Expect.Intervals(rig.Lit(Amber), (1500, 2000));
        Expect.Tones(rig.Beeps(), (0, 200, 600), (300, 500, 600));
    }

    [Test]
    public void A_deny_listed_card_gets_red_and_three_low_beeps()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.RejectedDenyList);
        rig.Advance(2000);

        Expect.Intervals(rig.Lit(Red), (0, 1500));
        Expect.Tones(rig.Beeps(), (0, 200, 600), (300, 500, 600), (600, 800, 600));
    }

    [Test]
    public void Tap_again_blinks_amber_with_a_rising_tone()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.TapAgain);
        rig.Advance(1500);

        // Ready is amber too: the blink starts by going dark, and ready comes back at 1200 ms.
        Expect.Intervals(rig.Lit(Amber), (0, 150), (300, 450), (600, 750), (900, 1050), (1200, 1500));
        Expect.Tones(rig.Beeps(), (0, 100, 1000), (100, 200, 1400), (200, 300, 1800));
    }

    [Test]
    public void The_first_pin_change_is_made_before_show_returns()
    {
        using var rig = Start().Ready();
        var caller = Environment.CurrentManagedThreadId;
        int? writer = null;
        rig.Driver.PinChanged += (_, change) => writer ??= Environment.CurrentManagedThreadId;

        rig.Feedback.Show(TapSignal.Rejected);

        Assert.Multiple(() =>
        {
            Assert.That(rig.IsLit(Red), Is.True, "red is on with no time passed");
            Assert.That(rig.Pwm!.IsRunning, Is.True, "the first beep has started");
            Assert.That(writer, Is.EqualTo(caller), "the first change was written on the caller's thread");
        });
    }
}
