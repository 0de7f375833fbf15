using Validator.Gpio.Outputs;

namespace Validator.Gpio.Tests.Patterns;

public class Buzzer_volume
{
    [TestCase(1.0, 0.5)]
    [TestCase(0.0, 0.0)]
    [TestCase(0.5, 1.0 / 6)]
    public void Maps_to_the_duty_cycle_whose_fundamental_has_that_amplitude(double volume, double dutyCycle)
    {
        Assert.That(PassiveBuzzerOutput.DutyCycleFor(volume), Is.EqualTo(dutyCycle).Within(1e-12));
    }

    [Test]
    public void Never_leaves_the_range_of_a_duty_cycle()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PassiveBuzzerOutput.DutyCycleFor(3), Is.EqualTo(0.5));
            Assert.That(PassiveBuzzerOutput.DutyCycleFor(-1), Is.Zero);
        });
    }
}
