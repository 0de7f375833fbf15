using System.Diagnostics;
using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

/// <summary>
/// The newest segment readable but not writable at start, or the journal's directory not writable (made immutable with
/// <c>chattr +i</c>, which needs root and a file system with the flag, as ext4 on the device and in CI): the journal
/// opens, reads what it holds, and a tap is a journal fault until the file or directory can be written again.
/// </summary>
public class TapJournalUnwritableSegmentTests
{
    private TempDirectory _dir = null!;
    private string? _immutable;

    [SetUp]
    public void CreateDirectory() => _dir = new TempDirectory();

    [TearDown]
    public void DeleteDirectory()
    {
        if (_immutable is not null) Chattr("-i", _immutable);
        _dir.Dispose();
    }

    [TestCase(false, TestName = "An empty newest segment that cannot be written at start: taps are a journal fault until it can, then go into it")]
    [TestCase(true, TestName = "An empty newest segment that cannot be written at start and is gone meanwhile is created again for the next tap")]
    public void Empty_newest_segment_unwritable_at_start(bool goneMeanwhile)
    {
        var options = new TapJournalOptions { Directory = _dir.Path, PrepareSpareSegments = false };
        using (var journal = SampleTaps.OpenJournal(options))
        {
            for (var n = 1; n <= 3; n++) journal.Append(SampleTaps.Bare(n));
        }
        // An empty segment named for the next tap: what a rotation leaves when it stopped right after creating the file.
        var newest = Path.Combine(_dir.Path, Segment.FileName(4));
        File.WriteAllBytes(newest, []);
        MakeImmutable(newest);

        using (var journal = SampleTaps.OpenJournal(options))
        {
            Assert.That(journal.LastSequence, Is.EqualTo(3), "the journal opens and reads what it holds");
            var refused = Assert.Throws<JournalUnavailableException>(() => journal.Append(SampleTaps.Bare(4)));
            Assert.That(refused!.Fault, Is.EqualTo(JournalFault.WriteFailed));
            Assert.That(journal.LastSequence, Is.EqualTo(3), "a refused tap takes no sequence");

            Chattr("-i", newest);
            _immutable = null;
            if (goneMeanwhile) File.Delete(newest);
            Assert.That(journal.Append(SampleTaps.Bare(4)).Sequence, Is.EqualTo(4));
            Assert.That(journal.Append(SampleTaps.Bare(5)).Sequence, Is.EqualTo(5));
        }

        Assert.That(_dir.Segments().Select(Path.GetFileName), Is.EqualTo(new[] { Segment.FileName(1), Segment.FileName(4) }), "one segment for the new taps, at the name recovery expects");
        using var reopened = SampleTaps.OpenJournal(options);
        Assert.That(reopened.OpenReport.Clean, Is.True);
        Assert.That(SampleTaps.ReadAll(reopened).Select(t => t.Sequence), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }), "every tap read back once, in order");
    }

    [Test]
    public void A_newest_segment_with_a_torn_tail_that_cannot_be_written_is_a_journal_fault_at_open()
    {
        var options = new TapJournalOptions { Directory = _dir.Path, PrepareSpareSegments = false };
        using (var journal = SampleTaps.OpenJournal(options)) journal.Append(SampleTaps.Bare(1));
        var segment = _dir.Segments().Single();
        using (var file = new FileStream(segment, FileMode.Append)) file.Write([0x5A, 0x5A, 0x5A]);
        MakeImmutable(segment);

        var failed = Assert.Throws<JournalUnavailableException>(() => SampleTaps.OpenJournal(options).Dispose(), "the torn tail cannot be cleared: a clear fault, not an access error out of the open");
        Assert.That(failed!.Fault, Is.EqualTo(JournalFault.WriteFailed));
        Assert.That(failed.InnerException, Is.InstanceOf<UnauthorizedAccessException>());
    }

    [Test]
    public void A_journal_directory_that_cannot_be_written_makes_a_tap_a_journal_fault_until_it_can()
    {
        var options = new TapJournalOptions { Directory = _dir.Path, PrepareSpareSegments = false };
        using var journal = SampleTaps.OpenJournal(options);
        MakeImmutable(_dir.Path);

        var refused = Assert.Throws<JournalUnavailableException>(() => journal.Append(SampleTaps.Bare(1)), "no segment can be created: a journal fault (out of service), not an access error out of the tap path");
        Assert.That(refused!.Fault, Is.EqualTo(JournalFault.WriteFailed));

        Chattr("-i", _dir.Path);
        _immutable = null;
        Assert.That(journal.Append(SampleTaps.Bare(1)).Sequence, Is.EqualTo(1), "the first tap after the directory is writable again is stored, with no reopen");
    }

    private void MakeImmutable(string path)
    {
        if (!OperatingSystem.IsLinux() || Chattr("+i", path) != 0)
        {
            const string Message = "needs root and a file system with the immutable flag (ext4) to make a segment unwritable (chattr +i)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(Message);
            Assert.Ignore(Message);
        }
        _immutable = path;
    }

    private static int Chattr(string flag, string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // no chattr
        }
    }
}
