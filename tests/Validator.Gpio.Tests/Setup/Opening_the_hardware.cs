using Validator.Gpio.Options;
using Validator.Simulation.Gpio;

namespace Validator.Gpio.Tests.Setup;

public class Opening_the_hardware
{
    [Test]
    public void A_bad_pin_map_is_refused_before_any_pin_is_touched()
    {
        var driver = new SimulatedGpioDriver();
        var options = new FeedbackOptions { RedPin = 17 };

        var error = Assert.Throws<FeedbackSetupException>(() => GpioFeedback.Open(options, driver, new SimulatedPwmChannel()));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Feedback:GreenPin and Feedback:RedPin"));
            Assert.That(driver.Changes, Is.Empty);
            Assert.That(driver.OpenPins, Is.Empty);
        });
    }

    [Test]
    public void Every_pin_that_cannot_be_opened_is_named_in_one_error()
    {
        var driver = new SimulatedGpioDriver(unavailablePins: [17, 22]);

        var error = Assert.Throws<FeedbackSetupException>(() => GpioFeedback.Open(new FeedbackOptions(), driver, new SimulatedPwmChannel()));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problems, Has.Count.EqualTo(2));
            Assert.That(error.Problems, Has.One.Contains("Feedback:GreenPin GPIO 17").And.Contains("busy"));
            Assert.That(error.Problems, Has.One.Contains("Feedback:AmberPin GPIO 22"));
            Assert.That(driver.OpenPins, Is.Empty, "the pins that did open were released");
        });
    }

    [Test]
    public void A_passive_buzzer_without_a_pwm_channel_names_the_overlay_to_enable()
    {
        // No PWM channel is passed, so the real one is opened: this machine has no /sys/class/pwm/pwmchip0.
        var driver = new SimulatedGpioDriver();

        var error = Assert.Throws<FeedbackSetupException>(() => GpioFeedback.Open(new FeedbackOptions { PwmChip = 7 }, driver, pwmChannel: null));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Feedback:PwmChip 7").And.Contain("dtoverlay=pwm,pin=18,func=2"));
            Assert.That(driver.OpenPins, Is.Empty);
        });
    }

    [Test]
    public void Try_open_returns_the_problem_instead_of_throwing()
    {
        var options = new FeedbackOptions { GreenPin = 99 };

        var opened = GpioFeedback.TryOpen(options, out var feedback, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(opened, Is.False);
            Assert.That(feedback, Is.Null);
            Assert.That(error!.Problems, Has.One.StartsWith("Feedback:GreenPin is 99"));
        });
    }

    [Test]
    public void A_driver_that_cannot_start_gives_a_hint_instead_of_a_crash()
    {
        // This build machine has no GPIO chip, so the configured driver fails the way it does on a misconfigured Pi.
        var options = new FeedbackOptions { Driver = GpioDriverKind.LibGpiodV2, GpioChip = 9 };

        var opened = GpioFeedback.TryOpen(options, out _, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(opened, Is.False);
            Assert.That(error!.Message, Does.Contain("LibGpiodV2").And.Contain("gpiochip"));
        });
    }
}
