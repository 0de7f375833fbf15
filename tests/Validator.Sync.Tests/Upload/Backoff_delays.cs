using Validator.Sync.Upload;

namespace Validator.Sync.Tests.Upload;

public sealed class Backoff_delays
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    [TestCase(1, 5)]
    [TestCase(2, 10)]
    [TestCase(4, 40)]
    [TestCase(7, 300)]
    [TestCase(50, 300)]
    public void The_delay_doubles_per_failure_up_to_the_cap_and_jitter_keeps_it_between_half_and_all(int failures, int fullSeconds)
    {
        var lowest = Backoff.Delay(failures, Base, Cap, 0.0);
        var highest = Backoff.Delay(failures, Base, Cap, 1.0);

        Assert.That(lowest, Is.EqualTo(TimeSpan.FromSeconds(fullSeconds / 2.0)));
        Assert.That(highest, Is.EqualTo(TimeSpan.FromSeconds(fullSeconds)));
    }

    [Test]
    public async Task Backoff_after_failures_in_a_row_grows_and_never_passes_five_minutes()
    {
        await using var backoffice = await Backoffice.Tests.Support.TestBackoffice.StartAsync();
        using var device = DeviceRig.Create(backoffice.Url, backoffice.Running.PublicKeyPem, o => o.MaxRetries = 0);
        device.Append(1);
        await backoffice.SetChaosAsync(new Backoffice.Chaos.ChaosRequest { FailWithStatus = 429, Count = 20, Endpoint = "taps" });

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            device.WaitOutBackoff();
            var report = await device.Uploader.DrainAsync();
            waits.Add(report.NextAttemptAt - device.Clock.GetUtcNow());
        }

        Assert.That(waits, Has.All.LessThanOrEqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(waits[0], Is.LessThanOrEqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(waits[^1], Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(2.5)));
        Assert.That(device.Uploader.State.ConsecutiveFailures, Is.EqualTo(10));
    }
}
