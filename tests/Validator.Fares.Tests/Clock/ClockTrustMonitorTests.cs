using Microsoft.Extensions.Time.Testing;
using Validator.Core.Clock;

namespace Validator.Fares.Tests.Clock;

[TestFixture]
public class ClockTrustMonitorTests
{
    private static readonly DateTimeOffset LastSync = new(2026, 10, 5, 6, 0, 0, TimeSpan.Zero);

    private sealed class SyncFlag : IClockSyncSource
    {
        public bool IsSynchronized { get; set; }
    }

    private sealed class MemoryLastTrusted(DateTimeOffset? saved) : ILastTrustedTime
    {
        public DateTimeOffset? Saved { get; private set; } = saved;
        public int Saves { get; private set; }
        public DateTimeOffset? Load() => Saved;
        public void Save(DateTimeOffset time)
        {
            Saved = time;
            Saves++;
        }
    }

    [Test]
    public void A_synchronised_clock_is_trusted()
    {
        var monitor = new ClockTrustMonitor(new FakeTimeProvider(LastSync.AddDays(1)), new SyncFlag { IsSynchronized = true }, new MemoryLastTrusted(LastSync));

        Assert.That(monitor.Read().Trust, Is.EqualTo(ClockTrust.Trusted));
    }

    [Test]
    public void An_unsynchronised_clock_after_the_last_trusted_time_is_unsynced()
    {
        var monitor = new ClockTrustMonitor(new FakeTimeProvider(LastSync.AddHours(1)), new SyncFlag(), new MemoryLastTrusted(LastSync));

        Assert.That(monitor.Read().Trust, Is.EqualTo(ClockTrust.Unsynced));
    }

    [Test]
    public void An_unsynchronised_clock_before_the_last_trusted_time_is_behind()
    {
        var monitor = new ClockTrustMonitor(new FakeTimeProvider(new DateTimeOffset(1970, 1, 1, 0, 0, 30, TimeSpan.Zero)), new SyncFlag(), new MemoryLastTrusted(LastSync));

        var reading = monitor.Read();

        Assert.That((reading.Trust, reading.LastTrusted), Is.EqualTo((ClockTrust.BehindLastKnown, (DateTimeOffset?)LastSync)));
    }

    [Test]
    public void A_device_that_never_synchronised_is_unsynced_not_behind()
    {
        var monitor = new ClockTrustMonitor(new FakeTimeProvider(LastSync), new SyncFlag(), new MemoryLastTrusted(null));

        Assert.That(monitor.Read().Trust, Is.EqualTo(ClockTrust.Unsynced));
    }

    [Test]
    public void A_checkpoint_persists_the_latest_trusted_time_and_only_when_it_moved()
    {
        var time = new FakeTimeProvider(LastSync);
        var sync = new SyncFlag { IsSynchronized = true };
        var store = new MemoryLastTrusted(null);
        var monitor = new ClockTrustMonitor(time, sync, store);

        time.Advance(TimeSpan.FromMinutes(10));
        var first = monitor.Checkpoint();
        sync.IsSynchronized = false;
        time.Advance(TimeSpan.FromMinutes(10));
        var second = monitor.Checkpoint();

        Assert.That((first, second, store.Saves, store.Saved), Is.EqualTo((true, false, 1, (DateTimeOffset?)LastSync.AddMinutes(10))));
    }

    [Test]
    public void After_a_reboot_into_the_past_the_persisted_time_catches_the_wrong_clock()
    {
        using var dir = new TempDirectory();
        var file = new LastTrustedTimeFile(dir.File("last-trusted"));
        var beforeReboot = new ClockTrustMonitor(new FakeTimeProvider(LastSync), new SyncFlag { IsSynchronized = true }, file);
        beforeReboot.Checkpoint();

        var afterReboot = new ClockTrustMonitor(new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)), new SyncFlag(), new LastTrustedTimeFile(dir.File("last-trusted")));

        Assert.That(afterReboot.Read().Trust, Is.EqualTo(ClockTrust.BehindLastKnown));
    }

    [Test]
    public void A_damaged_last_trusted_file_reads_as_no_time_rather_than_failing()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("last-trusted"), "not a time\0\0");

        Assert.That(new LastTrustedTimeFile(dir.File("last-trusted")).Load(), Is.Null);
    }

    [Test]
    public void The_timesyncd_source_follows_the_flag_file()
    {
        using var dir = new TempDirectory();
        var source = new TimesyncdSyncSource(dir.File("synchronized"));
        var before = source.IsSynchronized;
        File.WriteAllText(dir.File("synchronized"), string.Empty);

        Assert.That((before, source.IsSynchronized), Is.EqualTo((false, true)));
    }
}
