using Validator.Core.Feedback;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

public class A_new_tap
{
    [Test]
    public void Pre_empts_the_previous_pattern_at_once()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Rejected);
        rig.Advance(250);
        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(2000);

        Expect.Intervals(rig.Lit(Red), (0, 250));
        Expect.Intervals(rig.Lit(Green), (250, 1250));
        Expect.Intervals(rig.Lit(Amber), (1250, 2250));
        // The rejected pattern's second beep (300-500 ms) never sounds.
        Expect.Tones(rig.Beeps(), (0, 200, 600), (250, 370, 2400));
    }

    [Test]
    public void Pre_empting_during_a_beep_switches_the_tone()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.TapAgain);
        rig.Advance(50);
        rig.Feedback.Show(TapSignal.Rejected);
        rig.Advance(1000);

        Expect.Tones(rig.Beeps(), (0, 50, 1000), (50, 250, 600), (350, 550, 600));
    }

    [Test]
    public void The_same_signal_twice_restarts_its_full_length()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(800);
        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(1500);

        Expect.Intervals(rig.Lit(Green), (0, 1800));
        Expect.Intervals(rig.Lit(Amber), (1800, 2300));
    }
}
