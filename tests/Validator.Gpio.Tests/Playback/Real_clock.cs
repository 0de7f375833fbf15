using System.Device.Gpio;
using Validator.Core.Feedback;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;

namespace Validator.Gpio.Tests.Playback;

/// <summary>The same timeline on the system clock and real timers, waited for by event with generous tolerances.</summary>
public class Real_clock
{
    [Test]
    public void An_accepted_tap_plays_on_its_own_and_ready_returns_after_about_a_second()
    {
        var options = new FeedbackOptions { Buzzer = BuzzerKind.None };
        var driver = new SimulatedGpioDriver();
        using var feedback = GpioFeedback.Open(options, driver, pwmChannel: null);
        feedback.SetStatus(DeviceStatus.Ready);
        using var readyAgain = new ManualResetEventSlim();
        var shownAt = 0L;
        driver.PinChanged += (_, change) =>
        {
            if (shownAt != 0 && change.Pin == options.AmberPin && change.Value == PinValue.High)
            {
                readyAgain.Set();
            }
        };

        shownAt = driver.Time.GetTimestamp();
        feedback.Show(TapSignal.Accepted);
        var returned = driver.Time.GetElapsedTime(shownAt);

        Assert.That(readyAgain.Wait(TimeSpan.FromSeconds(10)), Is.True, "ready came back");
        var green = driver.Changes.Where(c => c.Pin == options.GreenPin).ToList();
        var greenFor = driver.Time.GetElapsedTime(green[0].Timestamp, green[1].Timestamp);
        Assert.Multiple(() =>
        {
            Assert.That(returned, Is.LessThan(TimeSpan.FromMilliseconds(100)), "Show returned long before the pattern ended");
            Assert.That(greenFor.TotalMilliseconds, Is.InRange(990, 1600), "green lasted about a second");
        });
    }
}
