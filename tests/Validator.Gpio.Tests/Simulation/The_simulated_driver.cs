using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;
using Validator.Simulation.Gpio;

namespace Validator.Gpio.Tests.Simulation;

public class The_simulated_driver
{
    [Test]
    public void Records_level_changes_with_their_time_and_order_but_not_repeated_writes()
    {
        var time = new FakeTimeProvider();
        var driver = new SimulatedGpioDriver(time: time);
        using var controller = new GpioController(driver);
        controller.OpenPin(5, PinMode.Output);

        controller.Write(5, PinValue.High);
        time.Advance(TimeSpan.FromMilliseconds(7));
        controller.Write(5, PinValue.High);
        controller.Write(5, PinValue.Low);

        var changes = driver.Changes;
        Assert.That(changes.Select(c => (c.Pin, (bool)c.Value, c.Sequence)), Is.EqualTo(new[] { (5, true, 0L), (5, false, 1L) }));
        Assert.That(time.GetElapsedTime(changes[0].Timestamp, changes[1].Timestamp), Is.EqualTo(TimeSpan.FromMilliseconds(7)));
    }

    [Test]
    public void Raises_an_event_per_change()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        var seen = new List<PinChange>();
        driver.PinChanged += (_, change) => seen.Add(change);
        controller.OpenPin(3, PinMode.Output);

        controller.Write(3, PinValue.High);
        controller.Write(3, PinValue.Low);

        Assert.That(seen, Is.EqualTo(driver.Changes));
    }

    [Test]
    public void Refuses_a_pin_marked_unavailable_like_a_busy_line()
    {
        using var controller = new GpioController(new SimulatedGpioDriver(unavailablePins: [4]));

        Assert.Throws<IOException>(() => controller.OpenPin(4, PinMode.Output));
    }

    [Test]
    public void Releases_a_pin_when_it_is_closed()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(6, PinMode.Output);
        controller.ClosePin(6);

        Assert.That(driver.OpenPins, Is.Empty);
    }

    [Test]
    public void Records_pwm_changes_only_when_a_setting_changes()
    {
        using var pwm = new SimulatedPwmChannel(frequency: 400, dutyCycle: 0.5);

        pwm.Frequency = 2400;
        pwm.Start();
        pwm.Start();
        pwm.DutyCycle = 0.25;
        pwm.Stop();

        Assert.That(pwm.Changes.Select(c => (c.Frequency, c.DutyCycle, c.Running)), Is.EqualTo(new[]
        {
            (2400, 0.5, false),
            (2400, 0.5, true),
            (2400, 0.25, true),
            (2400, 0.25, false),
        }));
    }
}
