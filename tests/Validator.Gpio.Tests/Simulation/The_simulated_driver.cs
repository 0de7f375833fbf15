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
    public void Keeps_only_the_latest_changes_so_a_long_running_demo_holds_fixed_memory()
    {
        var driver = new SimulatedGpioDriver { HistoryLimit = 4 };
        using var controller = new GpioController(driver);
        controller.OpenPin(5, PinMode.Output);

        for (var i = 0; i < 10; i++) controller.Write(5, i % 2 == 0 ? PinValue.High : PinValue.Low);

        Assert.That(driver.Changes.Select(c => c.Sequence), Is.EqualTo(new[] { 6L, 7L, 8L, 9L }), "the oldest dropped, the sequence still counting");
        driver.HistoryLimit = 2;
        Assert.That(driver.Changes.Select(c => c.Sequence), Is.EqualTo(new[] { 8L, 9L }));
        Assert.Throws<ArgumentOutOfRangeException>(() => driver.HistoryLimit = 0);
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
    public void Records_pwm_changes_only_when_the_output_changes()
    {
        using var pwm = new SimulatedPwmChannel(frequency: 400, dutyCycle: 0.5);

        pwm.Frequency = 200;
        pwm.Start();
        pwm.Start();
        pwm.DutyCycle = 0.125;
        pwm.Stop();

        Assert.That(pwm.Changes.Select(c => (c.Frequency, c.DutyCycle, c.Running)), Is.EqualTo(new[]
        {
            (200, 0.25, false),
            (200, 0.25, true),
            (200, 0.125, true),
            (200, 0.125, false),
        }));
    }

    [Test]
    public void Keeps_only_the_latest_pwm_changes()
    {
        using var pwm = new SimulatedPwmChannel(frequency: 400, dutyCycle: 0.5) { HistoryLimit = 2 };

        pwm.Start();
        pwm.Frequency = 200;
        pwm.Stop();

        Assert.That(pwm.Changes.Select(c => (c.Frequency, c.Running)), Is.EqualTo(new[] { (200, true), (200, false) }));
    }

    [Test]
    public void Keeps_the_duty_time_when_only_the_frequency_changes_like_linux_sysfs()
    {
        using var pwm = new SimulatedPwmChannel(frequency: 1000, dutyCycle: 0.5);

        pwm.Frequency = 1800;

        Assert.That(pwm.EffectiveDutyCycle, Is.EqualTo(0.9).Within(0.001));
    }

    [Test]
    public void Refuses_a_period_shorter_than_the_duty_time_like_the_kernel()
    {
        using var pwm = new SimulatedPwmChannel(frequency: 600, dutyCycle: 0.5);

        var error = Assert.Throws<IOException>(() => pwm.Frequency = 2400);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Invalid argument"));
            Assert.That(pwm.Frequency, Is.EqualTo(600), "the refused write changed nothing");
        });
    }
}
