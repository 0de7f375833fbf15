using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;
using Validator.Core.Feedback;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

public class Faults_and_concurrency
{
    [Test]
    public void A_failing_pin_write_is_logged_once_and_never_thrown_into_the_tap_path()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var driver = new SimulatedGpioDriver(time: time);
        using var log = new ErrorLog();
        using var loggers = log.Factory();
        using var feedback = GpioFeedback.Open(new FeedbackOptions { Buzzer = BuzzerKind.None }, driver, pwmChannel: null, time, loggers);
        feedback.SetStatus(DeviceStatus.Ready);
        driver.WriteFault = new IOException("No such device");

        Assert.DoesNotThrow(() =>
        {
            feedback.Show(TapSignal.Rejected);
            feedback.Show(TapSignal.TapAgain);
            time.Advance(TimeSpan.FromMilliseconds(1));
        });
        Assert.That(log.Errors, Has.Count.EqualTo(1).And.One.Contains("No such device"));

        driver.WriteFault = null;
        feedback.Show(TapSignal.Accepted);

        Assert.That(driver.LevelOf(Green), Is.EqualTo(PinValue.High), "feedback works again once writes succeed");
    }

    [Test]
    public void Taps_and_status_changes_from_many_threads_end_in_a_consistent_state()
    {
        var options = new FeedbackOptions();
        var driver = new SimulatedGpioDriver();
        var pwm = new SimulatedPwmChannel();
        using var log = new ErrorLog();
        using var loggers = log.Factory();
        using var feedback = GpioFeedback.Open(options, driver, pwm, loggers: loggers);
        TapSignal[] signals = Enum.GetValues<TapSignal>();
        DeviceStatus[] statuses = Enum.GetValues<DeviceStatus>();

        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 3 == 0)
            {
                feedback.SetStatus(statuses[i % statuses.Length]);
            }
            else
            {
                feedback.Show(signals[i % signals.Length]);
            }
        });
        using var readyAgain = new ManualResetEventSlim();
        var armed = false;
        driver.PinChanged += (_, change) =>
        {
            if (Volatile.Read(ref armed) && change.Pin == options.AmberPin && change.Value == PinValue.High)
            {
                readyAgain.Set();
            }
        };
        feedback.SetStatus(DeviceStatus.Ready);
        feedback.Show(TapSignal.Rejected);

        // The rejected pattern turned amber off before Show returned, so amber coming on from now is ready after it.
        Volatile.Write(ref armed, true);

        Assert.That(readyAgain.Wait(TimeSpan.FromSeconds(10)), Is.True, "ready came back after the last tap");
        Assert.Multiple(() =>
        {
            Assert.That(driver.LevelOf(Green), Is.EqualTo(PinValue.Low));
            Assert.That(driver.LevelOf(Red), Is.EqualTo(PinValue.Low));
            Assert.That(driver.LevelOf(Amber), Is.EqualTo(PinValue.High));
            Assert.That(pwm.IsRunning && pwm.EffectiveDutyCycle > 0, Is.False, "the buzzer is silent");
            Assert.That(log.Errors, Is.Empty);
        });
    }
}
