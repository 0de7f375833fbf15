using System.Globalization;
using System.Security.Cryptography;
using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

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

    [Test]
    public void Daemon_crash_with_a_card_left_on_the_reader_shows_its_answer_again_at_the_next_start_and_stores_the_tap_once()
    {
        // The kill lands after the tap was journaled and shown while the card still lies on the reader: the next start
        // finds the card there, sees it is the last stored tap's card and shows that answer again without storing it.
        var key = RandomNumberGenerator.GetBytes(32);
        var student = new CardholderData("5413330089600010", "2812", 1);
        var token = new CardTokenizer(key).ForPan(student.Pan.AsSpan());
        using var backoffice = BackofficeProcess.Start(_root);
        backoffice.Send(HttpMethod.Put, "/v1/admin/policy", new FarePolicy { Products = [new Product("student", "Schülerticket")] });
        backoffice.Send(HttpMethod.Put, "/v1/admin/entitlements", new[]
        {
            new Entitlement { Id = "pass-1", Token = token, Product = "student", ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31) },
        });
        var config = backoffice.WriteDeviceConfig(Path.Combine(_root.FullName, "validator.json"), Path.Combine(_root.FullName, "data"), key,
            uploadInterval: TimeSpan.FromMilliseconds(200), listPollInterval: TimeSpan.FromMilliseconds(300), heartbeatInterval: TimeSpan.FromSeconds(1));
        var environment = new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = config };
        using var card = new VpcdCard(CardProfiles.Mastercard(student), new VpcdOptions { Port = PcscStack.Port });
        try
        {
            using (var first = ValidatorProcess.Start(["run"], environment))
            {
                first.WaitForAllLines(BackofficeProcess.Patience, "List entitlements updated to version", "List policy updated to version");
                card.Insert();
                Assert.That(first.WaitForLine("Tap 1:", BackofficeProcess.Patience), Does.Contain(FareReasons.AcceptedPass));
                first.KillHard();
            }
            using var second = ValidatorProcess.Start(["run"], environment);
            Assert.That(second.WaitForLine(new System.Text.RegularExpressions.Regex(@"Tap \d+[ :]"), BackofficeProcess.Patience).Value, Is.EqualTo("Tap 1 "), "the first tap line of the next start");
            Assert.That(second.Output, Does.Contain("Tap 1 shown again: " + FareReasons.AcceptedPass));

            // Taken away and tapped again: the next stored tap is number 2, a repeat, so nothing was stored in between.
            card.Remove();
            PcscStack.RequireEmptyReader();
            card.Insert();
            Assert.That(second.WaitForLine("Tap 2:", BackofficeProcess.Patience), Does.Contain(FareReasons.AlreadyValidated));
            var stored = backoffice.WaitForTaps(2);
            Assert.That(stored.Select(t => t.GetProperty("reason").GetString()), Is.EqualTo(new[] { FareReasons.AcceptedPass, FareReasons.AlreadyValidated }));
            Assert.That(stored.Select(t => t.GetProperty("sequence").GetInt64()), Is.EqualTo(new long[] { 1, 2 }));
        }
        finally
        {
            card.Remove();
        }
    }

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("VALIDATOR_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : RandomNumberGenerator.GetInt32(int.MaxValue);

    private static int Kills(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("VALIDATOR_CRASH_KILLS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var kills) && kills > 0
            ? kills
            : fallback;
}

/// <summary>The crash run's schedule, which needs no pcscd.</summary>
[TestFixture]
public sealed class Daemon_crash_schedule
{
    [Test]
    public void The_seed_decides_the_schedule()
    {
        // A failure is only worth its seed if the same seed gives the same kill instants.
        var first = DaemonCrashRun.Schedule(42, 30);
        Assert.That(DaemonCrashRun.Schedule(42, 30), Is.EqualTo(first));
        Assert.That(DaemonCrashRun.Schedule(43, 30), Is.Not.EqualTo(first));
        Assert.That(first.Count(k => k.DuringStart), Is.InRange(1, 10), "some kills land during start-up, most while serving");
    }
}
