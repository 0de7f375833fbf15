using System.Device.Gpio;
using Validator.Core.Feedback;
using Validator.Gpio.Options;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

public class Stopping
{
    [Test]
    public void Mid_beep_leaves_every_led_dark_and_the_buzzer_silent()
    {
        using var rig = Start().Ready();
        rig.Feedback.Show(TapSignal.RejectedDenyList);
        rig.Advance(50);
        Assume.That(rig.Pwm!.IsRunning, Is.True, "the first beep is sounding when we stop");

        rig.Feedback.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(new[] { Green, Red, Amber }.Select(rig.IsLit), Is.All.False);
            Assert.That(rig.Pwm!.IsRunning, Is.False);
        });
    }

    [Test]
    public void Nothing_changes_after_stop_even_as_time_passes_or_taps_arrive()
    {
        using var rig = Start().Ready();
        rig.Feedback.Show(TapSignal.TapAgain);
        rig.Advance(120);
        rig.Feedback.Stop();
        var changesAtStop = rig.Driver.Changes.Count;
        var pwmChangesAtStop = rig.Pwm!.Changes.Count;

        rig.Advance(5000);
        rig.Feedback.Show(TapSignal.Accepted);
        rig.Feedback.SetStatus(DeviceStatus.OutOfService);
        rig.Advance(5000);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Driver.Changes, Has.Count.EqualTo(changesAtStop));
            Assert.That(rig.Pwm.Changes, Has.Count.EqualTo(pwmChangesAtStop));
        });
    }

    [Test]
    public void Dispose_mid_pattern_silences_an_active_buzzer_and_releases_every_pin()
    {
        var rig = Start(o =>
        {
            o.Buzzer = BuzzerKind.Active;
            o.BuzzerPin = 23;
        }).Ready();
        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(10);
        Assume.That(rig.Driver.LevelOf(23), Is.EqualTo(PinValue.High), "the active buzzer sounds when we dispose");

        rig.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(rig.Driver.LevelOf(23), Is.EqualTo(PinValue.Low), "buzzer");
            Assert.That(new[] { Green, Red, Amber }.Select(rig.Driver.LevelOf), Is.All.EqualTo(PinValue.Low), "LEDs");
            Assert.That(rig.Driver.OpenPins, Is.Empty);
        });
    }

    [Test]
    public void Dispose_releases_the_pwm_channel_stopped()
    {
        var rig = Start().Ready();
        rig.Feedback.Show(TapSignal.Accepted);

        rig.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(rig.Pwm!.IsRunning, Is.False);
            Assert.That(rig.Pwm.IsDisposed, Is.True);
        });
    }

    [Test]
    public void A_technician_test_ends_when_stopped()
    {
        using var rig = Start().Ready();
        var test = rig.Feedback.TestOutput("buzzer", TimeSpan.FromSeconds(30));

        rig.Feedback.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(test.IsCompleted, Is.True);
            Assert.That(rig.Pwm!.IsRunning, Is.False);
        });
    }
}
