using System.Diagnostics;
using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

/// <summary>
/// A real full disk: a 1 MiB tmpfs mounted for the test (needs root, as on the device and in CI).
/// </summary>
public class TapJournalDiskFullTests
{
    private TempDirectory _mountPoint = null!;
    private bool _mounted;

    [SetUp]
    public void MountSmallDisk()
    {
        _mountPoint = new TempDirectory();
        if (!OperatingSystem.IsLinux() || Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _mountPoint.Path) != 0)
            Assert.Ignore("needs root on Linux to mount a small tmpfs");
        _mounted = true;
    }

    [TearDown]
    public void Unmount()
    {
        if (_mounted) Run("umount", _mountPoint.Path);
        _mountPoint.Dispose();
    }

    [Test]
    public void A_full_disk_is_a_clear_disk_full_fault_that_loses_nothing_written_and_clears_when_space_returns()
    {
        var journalDir = Path.Combine(_mountPoint.Path, "journal");
        var filler = Path.Combine(_mountPoint.Path, "filler");
        using var journal = SampleTaps.OpenJournal(new TapJournalOptions { Directory = journalDir, MaxSegmentBytes = 64 * 1024 });
        // The spare segment (64 KiB of zeros) is written before the disk is filled, so the test does not race it.
        Assert.That(journal.SpareWork.Wait(TimeSpan.FromSeconds(30)), Is.True);
        var written = new List<long>();
        JournalUnavailableException? full = null;
        try
        {
            // Leave the disk almost full (16 KiB), then append until it refuses.
            using var fill = new FileStream(filler, FileMode.CreateNew);
            var toFill = new DriveInfo(_mountPoint.Path).AvailableFreeSpace - 16 * 1024;
            for (long i = 0; i < toFill / 1024; i++) fill.Write(new byte[1024]);
        }
        catch (IOException)
        {
            // tmpfs overhead: it was fuller than the arithmetic said.
        }

        for (var i = 0; i < 100_000 && full is null; i++)
        {
            try
            {
                written.Add(journal.Append(SampleTaps.Full(i)).Sequence);
            }
            catch (JournalUnavailableException ex)
            {
                full = ex;
            }
        }

        Assert.That(full, Is.Not.Null, "the disk never filled up");
        Assert.That(full!.Fault, Is.EqualTo(JournalFault.DiskFull));
        // The segment in use came pre-zeroed (64 KiB): its room was already on disk, so it took taps on a full disk.
        Assert.That(written, Has.Count.GreaterThan(64 * 1024 / 200), "taps written after the disk was filled");
        Assert.That(SampleTaps.ReadAll(journal).Select(t => t.Sequence), Is.EqualTo(written), "nothing already written is lost");

        File.Delete(filler);
        var after = journal.Append(SampleTaps.Bare(1));
        Assert.That(after.Sequence, Is.EqualTo(written[^1] + 1), "the failed tap used no sequence number");

        journal.Dispose();
        using var reopened = SampleTaps.OpenJournal(new TapJournalOptions { Directory = journalDir });
        Assert.That(reopened.OpenReport.Clean, Is.True);
        Assert.That(SampleTaps.ReadAll(reopened).Select(t => t.Sequence), Is.EqualTo(written.Append(after.Sequence)));
    }

    private static int Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
