using System.Globalization;
using System.Runtime.InteropServices;
using Validator.Core.Fares;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Tests;

/// <summary>
/// The wall clock the daemon runs on, as a board without RTC sees it: not synchronised at boot, behind the last trusted
/// time, and set forward and back while taps come in (libfaketime under the daemon process; its monotonic clock is
/// left alone, as NTP leaves it alone).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Clock_faults
{
    [Test]
    public void Taps_are_flagged_while_the_clock_is_unsynced_at_boot_and_decided_by_the_last_trusted_date_when_it_is_behind()
    {
        var flag = Path.Combine(Path.GetTempPath(), $"validator-clock-synchronized-{Guid.NewGuid():N}");
        using var rig = new FaultRig("validator-clock-boot-", device: new Dictionary<string, string> { ["ClockSyncFlagPath"] = flag });
        var served = new List<ServedTap>();
        try
        {
            using (var daemon = rig.StartDaemon())
            {
                rig.WaitForListsInService();
                served.Add(Expect(daemon.Tap(FaultRig.Student), FareReasons.AcceptedPass));
                Assert.That(served[^1].Lines.Any(l => l.Contains("Clock trust is now Unsynced", StringComparison.Ordinal)), Is.True, string.Join('\n', served[^1].Lines));
                File.WriteAllText(flag, "");
                served.Add(Expect(daemon.Tap(FaultRig.Blocked), FareReasons.Denied));
                Assert.That(served[^1].Lines.Any(l => l.Contains("Clock trust is now Trusted", StringComparison.Ordinal)), Is.True, string.Join('\n', served[^1].Lines));
                daemon.Kill();
            }

            // Booted again without sync, with a clock three days behind the last time known to be right.
            File.Delete(flag);
            var lastTrusted = DateTimeOffset.UtcNow.AddDays(3);
            File.WriteAllText(Path.Combine(rig.Data, "last-trusted-time"), lastTrusted.UtcTicks.ToString(CultureInfo.InvariantCulture));
            using (var daemon = rig.StartDaemon())
            {
                served.Add(Expect(daemon.Tap(FaultRig.Traveller), FareReasons.AcceptedPayAsYouGo));
                var notice = served[^1].Lines.SingleOrDefault(l => l.Contains("Clock trust is now BehindLastKnown", StringComparison.Ordinal));
                Assert.That(notice, Does.Contain($"dates judged by {lastTrusted:yyyy-MM-dd HH:mm:ss}"), string.Join('\n', served[^1].Lines));
                served.Add(Expect(daemon.Tap(FaultRig.Blocked), FareReasons.Denied));
                served.Add(Expect(daemon.Tap(FaultRig.Traveller), FareReasons.AlreadyValidated));
            }
        }
        finally
        {
            File.Delete(flag);
        }

        var upstream = rig.Backoffice.WaitForTaps(FaultRig.DeviceId, t => t.Count == served.Count, $"{served.Count} taps");
        Assert.That(upstream.Select(t => (t.Sequence, t.Reason)), Is.EqualTo(served.Select(s => (s.Sequence, s.Reason))));
        Assert.That(upstream.Select(t => t.ClockTrusted), Is.EqualTo(new[] { false, true, false, false, false }), "unsynced and behind taps are flagged, synced ones are not");
    }

    [Test]
    public void A_wall_clock_set_forward_and_back_while_running_is_caught_charges_no_one_twice_and_loses_nothing()
    {
        var library = LibFaketime();
        var flag = Path.Combine(Path.GetTempPath(), $"validator-clock-synchronized-{Guid.NewGuid():N}");
        using var rig = new FaultRig("validator-clock-jumps-", device: new Dictionary<string, string> { ["ClockSyncFlagPath"] = flag });
        var offset = Path.Combine(rig.Root.FullName, "faketime");
        File.WriteAllText(offset, "+0");
        File.WriteAllText(flag, "");
        var served = new List<(ServedTap Tap, bool Trusted)>();
        var tapAgainAfterJump = 0;
        try
        {
            using var daemon = rig.StartDaemon(new Dictionary<string, string>
            {
                ["LD_PRELOAD"] = library,
                ["FAKETIME_TIMESTAMP_FILE"] = offset,
                ["FAKETIME_NO_CACHE"] = "1",
                // Only the wall clock jumps: timers, timeouts and the repeat-tap window run on the monotonic clock.
                ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
            });
            rig.WaitForListsInService();

            // The first tap after a jump may be asked to tap again: libpcsclite times its wait for pcscd's answer with
            // gettimeofday, so a wall clock set in the middle of that wait ends it early. The student taps again.
            void Tap(CardholderData card, string reason, bool trusted, bool afterJump = false)
            {
                var tap = daemon.Tap(card);
                if (afterJump && tap.Reason.StartsWith("tap-again.", StringComparison.Ordinal))
                {
                    Assert.That(tap.Lines.Count(l => l.EndsWith("Feedback (no GPIO): TapAgain", StringComparison.Ordinal)), Is.EqualTo(1), string.Join('\n', tap.Lines));
                    served.Add((tap, trusted));
                    tapAgainAfterJump++;
                    tap = daemon.Tap(card);
                }
                served.Add((Expect(tap, reason), trusted));
            }

            Tap(FaultRig.Traveller, FareReasons.AcceptedPayAsYouGo, trusted: true);

            File.WriteAllText(offset, "+2h"); // NTP's first sync on a board that booted with a stale clock
            Tap(FaultRig.Traveller, FareReasons.AlreadyValidated, trusted: true, afterJump: true);
            Tap(FaultRig.Student, FareReasons.AcceptedPass, trusted: true);

            File.Delete(flag); // sync lost, and the clock set back below the last trusted time
            File.WriteAllText(offset, "-1h");
            Tap(FaultRig.Traveller, FareReasons.AlreadyValidated, trusted: false, afterJump: true);
            Assert.That(daemon.Process.Output, Does.Contain("Clock trust is now BehindLastKnown"));
            Tap(FaultRig.Blocked, FareReasons.Denied, trusted: false);
            Tap(FaultRig.Student, FareReasons.AlreadyValidated, trusted: false);

            File.WriteAllText(offset, "+0");
            File.WriteAllText(flag, "");
            Tap(FaultRig.Blocked, FareReasons.Denied, trusted: true, afterJump: true);
            Assert.That(served[^1].Tap.Lines.Any(l => l.Contains("Clock trust is now Trusted", StringComparison.Ordinal)), Is.True, string.Join('\n', served[^1].Tap.Lines));

            var upstream = rig.Backoffice.WaitForTaps(FaultRig.DeviceId, t => t.Count == served.Count, $"{served.Count} taps");
            Assert.That(upstream.Select(t => (t.Sequence, t.Reason)), Is.EqualTo(served.Select(s => (s.Tap.Sequence, s.Tap.Reason))), "every tap uploaded once");
            Assert.That(served.Select(s => s.Tap.Sequence), Is.Ordered.Ascending.And.Unique, "sequences go up whatever the clock does");
            Assert.That(upstream.Count(t => t.Reason == FareReasons.AcceptedPayAsYouGo), Is.EqualTo(1), "the traveller was charged once");
            Assert.That(upstream.Select(t => t.ClockTrusted), Is.EqualTo(served.Select(s => s.Trusted)), "taps flagged exactly while the clock was behind");
            // The daemon's clock really moved: +2 h, then 3 h back.
            var first = upstream[0].Time;
            Assert.That(upstream.Max(t => t.Time) - first, Is.GreaterThan(TimeSpan.FromMinutes(119)));
            Assert.That(upstream.Min(t => t.Time) - first, Is.LessThan(TimeSpan.FromMinutes(-50)));
            TestContext.Out.WriteLine($"{served.Count} taps over 3 clock jumps, {tapAgainAfterJump} asked to tap again right after a jump:\n"
                + string.Join('\n', upstream.Select(t => $"{t.Sequence} {t.Time:u} {t.Reason} trusted={t.ClockTrusted}")));
        }
        finally
        {
            File.Delete(flag);
        }
    }

    private static ServedTap Expect(ServedTap tap, string reason)
    {
        Assert.That((tap.Stored, tap.Reason), Is.EqualTo((true, reason)), string.Join('\n', tap.Lines));
        return tap;
    }

    /// <summary>libfaketime's preload library (Debian's faketime package); ignored without it on a laptop, a failure in CI.</summary>
    private static string LibFaketime()
    {
        var triplet = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        var path = $"/usr/lib/{triplet}/faketime/libfaketime.so.1";
        if (File.Exists(path)) return path;
        const string Why = "libfaketime is not installed (apt-get install faketime)";
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(Why);
        Assert.Ignore(Why);
        return path;
    }
}
