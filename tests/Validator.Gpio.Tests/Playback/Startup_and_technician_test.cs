using Validator.Core.Feedback;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

public class Startup_and_technician_test
{
    [Test]
    public void The_startup_check_lights_each_led_in_turn_then_all_with_a_beep()
    {
        using var rig = Start();
        rig.Feedback.SetStatus(DeviceStatus.Starting);
        rig.MarkOrigin();

        var done = rig.Feedback.PlayStartup();
        rig.Advance(1299);
        Assert.That(done.IsCompleted, Is.False, "the check is still running");
        rig.Advance(1);

        Assert.That(done.IsCompletedSuccessfully, Is.True);
        rig.Advance(500);

        Expect.Intervals(rig.Lit(Green), (0, 300), (900, 1300));
        Expect.Intervals(rig.Lit(Red), (300, 600), (900, 1300));
        // Starting (a 100 ms amber flash each second) takes over at 1300 ms, so amber runs on to 1400.
        Expect.Intervals(rig.Lit(Amber), (600, 1400));
        Expect.Tones(rig.Beeps(), (900, 1000, 2400));
    }

    [TestCase("green", Green)]
    [TestCase("RED", Red)]
    [TestCase(" amber ", Amber)]
    public void A_technician_holds_one_led_on_by_name(string name, int pin)
    {
        using var rig = Start();

        var done = rig.Feedback.TestOutput(name, TimeSpan.FromSeconds(5));
        rig.Advance(4999);

        Assert.Multiple(() =>
        {
            Expect.Intervals(rig.Lit(pin), (0, 4999));
            Assert.That(new[] { Green, Red, Amber }.Where(p => p != pin).SelectMany(rig.Lit), Is.Empty, "only the named LED lights");
            Expect.Tones(rig.Beeps());
            Assert.That(done.IsCompleted, Is.False, "the test is still running");
        });
        rig.Advance(1);
        Assert.That(done.IsCompletedSuccessfully, Is.True, "the test ends after exactly its duration");
    }

    [Test]
    public void A_technician_sounds_the_buzzer_by_name()
    {
        using var rig = Start();

        _ = rig.Feedback.TestOutput("buzzer", TimeSpan.FromMilliseconds(1500));
        rig.Advance(2000);

        Expect.Tones(rig.Beeps(), (0, 1500, 2400));
    }

    [Test]
    public void An_unknown_output_name_is_refused_with_the_valid_names()
    {
        using var rig = Start();

        var error = Assert.Throws<ArgumentException>(() => rig.Feedback.TestOutput("blue", TimeSpan.FromSeconds(1)));

        Assert.That(error!.Message, Does.Contain("'blue'").And.Contain("green, red, amber, buzzer"));
    }

    [TestCase(0)]
    [TestCase(61_000)]
    public void A_test_duration_out_of_range_is_refused(int milliseconds)
    {
        using var rig = Start();

        Assert.Throws<ArgumentOutOfRangeException>(() => rig.Feedback.TestOutput("red", TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Test]
    public void A_tap_pre_empts_a_technician_test_and_ends_its_task()
    {
        using var rig = Start().Ready();
        var test = rig.Feedback.TestOutput("red", TimeSpan.FromSeconds(30));
        rig.Advance(100);

        rig.Feedback.Show(TapSignal.Accepted);

        Assert.Multiple(() =>
        {
            Assert.That(test.IsCompleted, Is.True);
            Assert.That(rig.IsLit(Red), Is.False);
            Assert.That(rig.IsLit(Green), Is.True);
        });
    }
}
