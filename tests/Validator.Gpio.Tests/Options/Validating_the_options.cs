using Validator.Gpio.Options;

namespace Validator.Gpio.Tests.Options;

public class Validating_the_options
{
    private static IReadOnlyList<string> ProblemsWith(Action<FeedbackOptions> change)
    {
        var options = new FeedbackOptions();
        change(options);
        return FeedbackOptionsValidator.Validate(options);
    }

    [Test]
    public void The_documented_defaults_are_valid()
    {
        Assert.That(FeedbackOptionsValidator.Validate(new FeedbackOptions()), Is.Empty);
    }

    [Test]
    public void Two_outputs_on_one_pin_name_both_keys_and_the_pin()
    {
        var problems = ProblemsWith(o => o.RedPin = 17);

        Assert.That(problems, Has.One.Contains("Feedback:GreenPin and Feedback:RedPin").And.Contains("GPIO 17"));
    }

    [Test]
    public void A_led_on_the_buzzer_pin_is_a_clash()
    {
        var problems = ProblemsWith(o => o.AmberPin = 18);

        Assert.That(problems, Has.One.Contains("Feedback:AmberPin and Feedback:BuzzerPin"));
    }

    [Test]
    public void The_buzzer_pin_is_free_when_there_is_no_buzzer()
    {
        var problems = ProblemsWith(o =>
        {
            o.Buzzer = BuzzerKind.None;
            o.AmberPin = 18;
        });

        Assert.That(problems, Is.Empty);
    }

    [TestCase(-1)]
    [TestCase(28)]
    [TestCase(40)]
    public void A_pin_off_the_header_is_refused(int pin)
    {
        var problems = ProblemsWith(o => o.GreenPin = pin);

        Assert.That(problems, Has.One.StartsWith("Feedback:GreenPin is " + pin).And.Contains("2 to 27"));
    }

    [Test]
    public void The_hat_eeprom_pins_are_refused()
    {
        var problems = ProblemsWith(o => o.RedPin = 1);

        Assert.That(problems, Has.One.Contains("Feedback:RedPin").And.Contains("HAT ID EEPROM"));
    }

    [Test]
    public void A_passive_buzzer_needs_a_hardware_pwm_pin()
    {
        var problems = ProblemsWith(o => o.BuzzerPin = 23);

        Assert.That(problems, Has.One.Contains("Feedback:BuzzerPin").And.Contains("GPIO 12, 13, 18 or 19"));
    }

    [Test]
    public void An_active_buzzer_can_use_any_free_pin()
    {
        var problems = ProblemsWith(o =>
        {
            o.Buzzer = BuzzerKind.Active;
            o.BuzzerPin = 23;
        });

        Assert.That(problems, Is.Empty);
    }

    [TestCase(-5)]
    [TestCase(101)]
    public void A_volume_outside_0_to_100_is_refused(int percent)
    {
        var problems = ProblemsWith(o => o.VolumePercent = percent);

        Assert.That(problems, Has.One.StartsWith("Feedback:VolumePercent"));
    }

    [Test]
    public void Quiet_hours_need_both_ends()
    {
        var problems = ProblemsWith(o => o.QuietHours.From = new TimeOnly(21, 0));

        Assert.That(problems, Has.One.Contains("Feedback:QuietHours").And.Contains("both From and Until"));
    }

    [Test]
    public void Quiet_hours_cannot_be_empty()
    {
        var problems = ProblemsWith(o =>
        {
            o.QuietHours.From = new TimeOnly(21, 0);
            o.QuietHours.Until = new TimeOnly(21, 0);
        });

        Assert.That(problems, Has.One.Contains("21:00"));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var problems = ProblemsWith(o =>
        {
            o.GreenPin = 99;
            o.VolumePercent = 300;
            o.Driver = (GpioDriverKind)42;
        });

        Assert.That(problems, Has.Count.EqualTo(3));
    }

    [Test]
    public void The_exception_lists_each_problem_on_its_own_line()
    {
        var options = new FeedbackOptions { GreenPin = 27, PwmChannel = 9 };

        var error = Assert.Throws<FeedbackSetupException>(() => FeedbackOptionsValidator.ThrowIfInvalid(options));

        Assert.That(error!.Problems, Has.Count.EqualTo(2));
        Assert.That(error.Message.Split(Environment.NewLine), Has.Length.EqualTo(3));
    }
}
