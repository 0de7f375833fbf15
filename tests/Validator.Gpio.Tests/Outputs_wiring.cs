using System.Device.Gpio;
using Validator.Core.Feedback;
using Validator.Gpio.Options;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests;

public class Outputs_wiring
{
    [Test]
    public void Active_low_leds_open_dark_without_a_flash()
    {
        using var rig = Start(o => o.LedsActiveLow = true);

        Assert.Multiple(() =>
        {
            Assert.That(new[] { Green, Red, Amber }.Select(rig.Driver.LevelOf), Is.All.EqualTo(PinValue.High));
            Assert.That(rig.Driver.Changes.Where(c => c.Value == PinValue.Low), Is.Empty, "no LED was ever lit while opening");
        });
    }

    [Test]
    public void Active_low_leds_are_lit_by_a_low_level()
    {
        using var rig = Start(o => o.LedsActiveLow = true).Ready();

        rig.Feedback.Show(TapSignal.Accepted);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Driver.LevelOf(Green), Is.EqualTo(PinValue.Low));
            Assert.That(rig.Driver.LevelOf(Red), Is.EqualTo(PinValue.High));
            Assert.That(rig.Driver.LevelOf(Amber), Is.EqualTo(PinValue.High));
        });
    }

    [Test]
    public void Active_low_leds_end_high_after_dispose()
    {
        var rig = Start(o => o.LedsActiveLow = true).Ready();
        rig.Feedback.Show(TapSignal.Rejected);

        rig.Dispose();

        Assert.That(new[] { Green, Red, Amber }.Select(rig.Driver.LevelOf), Is.All.EqualTo(PinValue.High));
    }

    [Test]
    public void An_active_low_buzzer_sounds_on_a_low_level()
    {
        using var rig = Start(o =>
        {
            o.Buzzer = BuzzerKind.Active;
            o.BuzzerPin = 23;
            o.BuzzerActiveLow = true;
        }).Ready();
        Assume.That(rig.Driver.LevelOf(23), Is.EqualTo(PinValue.High), "silent when opened");

        rig.Feedback.Show(TapSignal.Rejected);
        rig.Advance(1000);

        Expect.Intervals(rig.Lit(23), (0, 200), (300, 500));
    }

    [Test]
    public void An_rgb_led_shows_amber_as_red_and_green_together()
    {
        using var rig = Start(o => o.AmberPin = null).Ready();

        Assert.Multiple(() =>
        {
            Assert.That(rig.IsLit(Red), Is.True);
            Assert.That(rig.IsLit(Green), Is.True);
        });

        rig.Feedback.Show(TapSignal.Accepted);

        Assert.Multiple(() =>
        {
            Assert.That(rig.IsLit(Red), Is.False, "accepted is pure green");
            Assert.That(rig.IsLit(Green), Is.True);
            Assert.That(rig.Driver.OpenPins, Does.Not.Contain(Amber));
        });
    }
}
