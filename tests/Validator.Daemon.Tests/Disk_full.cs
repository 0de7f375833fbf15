using System.Diagnostics;
using Validator.Core.Fares;

namespace Validator.Daemon.Tests;

/// <summary>
/// The daemon's data directory on a small tmpfs that is then filled: taps that cannot be stored say "tap again" and
/// put the device out of service (never a false accept), nothing journaled before is lost, and once space returns the
/// daemon serves and stores taps again by itself and uploads everything.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Disk_full
{
    [Test]
    public void A_full_disk_asks_to_tap_again_loses_nothing_and_taps_are_stored_again_once_space_returns()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            const string Why = "mounting a small tmpfs for the data directory needs root";
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(Why + " (CI runs as root)");
            Assert.Ignore(Why);
        }
        // Segments of one page (the smallest allowed): a new one, a new page of the tmpfs, is needed every ~22 taps (about 186 bytes a record).
        using var rig = new FaultRig("validator-disk-full-", journal: new Dictionary<string, string> { ["MaxSegmentBytes"] = "4096" });
        Directory.CreateDirectory(rig.Data);
        Run("mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", rig.Data);
        try
        {
            using var daemon = rig.StartDaemon();
            rig.WaitForListsInService();
            var stored = new List<long>();
            foreach (var card in new[] { FaultRig.Student, FaultRig.Blocked, FaultRig.Traveller })
            {
                var tap = daemon.Tap(card);
                Assert.That(tap.Stored, Is.True, string.Join('\n', tap.Lines));
                stored.Add(tap.Sequence);
            }
            rig.Backoffice.WaitForTaps(FaultRig.DeviceId, t => t.Count == stored.Count, "the taps before the disk filled");

            var filler = Path.Combine(rig.Data, "filler");
            var filled = Fill(filler);
            ServedTap? refused = null;
            // Room already on disk takes taps on a full disk: the rest of the newest segment and the pre-zeroed spare
            // segment prepared before the disk filled (~22 taps each). Only the segment after those needs new space.
            const int Attempts = 90;
            for (var attempt = 0; attempt < Attempts && refused is null; attempt++)
            {
                // Until that room is used up, a tap still fits and is stored: that is right too. The journal deletes
                // uploaded segments when it starts a new one, so whatever that freed is filled again.
                var tap = daemon.Tap(FaultRig.Student);
                if (tap.Stored)
                {
                    stored.Add(tap.Sequence);
                    filled += Fill(filler);
                }
                else refused = tap;
            }
            Assert.That(refused, Is.Not.Null, $"{Attempts} taps were all stored on a full disk ({filled} bytes of filler)");
            var again = daemon.Tap(FaultRig.Student);
            Assert.That(again.Stored, Is.False, "a tap was stored on a full disk");
            foreach (var tap in new[] { refused!, again })
            {
                var feedback = tap.Lines.Where(l => l.Contains("Feedback (no GPIO):", StringComparison.Ordinal)).ToList();
                Assert.That(feedback, Has.Count.EqualTo(1).And.All.EndsWith("TapAgain"), $"a tap that was not stored must ask to tap again:\n{string.Join('\n', tap.Lines)}");
            }
            Assert.That(refused!.Lines.Any(l => l.EndsWith("Device status (no GPIO): OutOfService", StringComparison.Ordinal)), Is.True, "out of service while storage fails");

            File.Delete(filler);
            var back = daemon.Tap(FaultRig.Traveller);
            Assert.That(back.Stored, Is.True, $"no tap stored after space returned:\n{string.Join('\n', back.Lines)}");
            Assert.That(back.Reason, Is.AnyOf(FareReasons.AcceptedPayAsYouGo, FareReasons.AlreadyValidated));
            Assert.That(back.Lines.Any(l => l.EndsWith("Device status (no GPIO): Ready", StringComparison.Ordinal)), Is.True, "ready again once a tap is stored");
            stored.Add(back.Sequence);
            var denied = daemon.Tap(FaultRig.Blocked);
            Assert.That((denied.Stored, denied.Reason), Is.EqualTo((true, FareReasons.Denied)));
            stored.Add(denied.Sequence);

            var upstream = rig.Backoffice.WaitForTaps(FaultRig.DeviceId, t => t.Count >= stored.Count, $"all {stored.Count} stored taps");
            Assert.That(upstream.Select(t => t.Sequence), Is.EqualTo(stored), "every stored tap uploaded once, in order, and nothing else");
            Assert.That(daemon.Process.Output, Does.Contain("DiskFull"), "the log says why taps were not stored");
            TestContext.Out.WriteLine($"disk full after {filled} bytes of filler; {stored.Count} taps stored and uploaded, 2 refused with tap-again while full");
        }
        finally
        {
            Run("umount", "-l", rig.Data);
        }
    }

    /// <summary>Appends to <paramref name="path"/> until the file system refuses; returns how many bytes fit.</summary>
    private static long Fill(string path)
    {
        var block = new byte[4096];
        long written = 0;
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1);
        try
        {
            while (true)
            {
                stream.Write(block);
                written += block.Length;
            }
        }
        catch (IOException)
        {
            return written;
        }
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{command} {string.Join(' ', args)}: {error}");
    }
}
