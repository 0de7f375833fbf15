using System.Globalization;
using System.Security.Cryptography;

namespace Validator.Daemon.Tests;

/// <summary>
/// Crash consistency of the whole daemon: <c>validator run</c> as a process on real pcscd + vpcd, the back office as
/// a process on loopback, taps, list updates and uploads going on all the time, and the daemon killed with SIGKILL
/// at seeded random instants and started again. After every restart READY must come within 5 s; at the end every
/// acknowledged tap is in the back office exactly once, the journal reopens clean and the lists are the latest.
/// The seed is printed; set VALIDATOR_CRASH_SEED to replay a run.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Daemon_crash_consistency
{
    private DirectoryInfo _root = null!;

    [SetUp]
    public void Prepare()
    {
        PcscStack.RequireEmptyReader();
        _root = Directory.CreateTempSubdirectory("validator-crash-");
    }

    [TearDown]
    public void Clean()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine($"kept for inspection: {_root.FullName}");
            return;
        }
        _root.Delete(recursive: true);
    }

    [Test]
    public void Daemon_crash_short_20_kills_lose_and_duplicate_no_acknowledged_tap() =>
        new DaemonCrashRun(_root, Seed(), Kills(20)).Run();

    [Test]
    [Explicit("long run: 500 kills, about 30 min, holds pcscd for the whole run; VALIDATOR_CRASH_KILLS and VALIDATOR_CRASH_SEED change it")]
    public void Daemon_crash_long_500_kills_lose_and_duplicate_no_acknowledged_tap() =>
        new DaemonCrashRun(_root, Seed(), Kills(500)).Run();

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("VALIDATOR_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : RandomNumberGenerator.GetInt32(int.MaxValue);

    private static int Kills(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("VALIDATOR_CRASH_KILLS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var kills) && kills > 0
            ? kills
            : fallback;

    [Test]
    public void The_seed_decides_the_schedule()
    {
        // A failure is only worth its seed if the same seed gives the same kill instants and the same list changes.
        var first = DaemonCrashRun.Schedule(42, 30);
        Assert.That(DaemonCrashRun.Schedule(42, 30), Is.EqualTo(first));
        Assert.That(DaemonCrashRun.Schedule(43, 30), Is.Not.EqualTo(first));
        Assert.That(first.Count(k => k.DuringStart), Is.InRange(1, 10), "some kills land during start-up, most while serving");
    }
}
