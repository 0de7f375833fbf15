using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Storage.Journal;
using Validator.Storage.Lists;

namespace Validator.Daemon.Cli;

/// <summary>
/// Reads the tap journal and the list store without touching them: their files are copied into a temporary directory
/// and opened there. The running service holds both exclusively (and opening them in place would recover, prune and
/// clean up, i.e. write); a technician's look must never change the data nor stop the service from opening it.
/// Bytes below a segment's synced length never change, so a copy holds every synced record; a frame caught half-written
/// is a torn tail that recovery clears in the copy, and zeros after the last record are the segment's free room.
/// </summary>
internal sealed class StatusSnapshot : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("validator-status-").FullName;

    /// <summary>How the data was found: "held by the running service", "not in use" or "missing".</summary>
    public static string JournalLockState(string journalDirectory)
    {
        var lockFile = Path.Combine(journalDirectory, "journal.lock");
        if (!File.Exists(lockFile)) return "missing";
        try
        {
            // A read-only open with sharing takes flock(LOCK_SH | LOCK_NB): it fails while the service holds LOCK_EX.
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return "not in use";
        }
        catch (IOException)
        {
            return "held by the running service";
        }
        catch (UnauthorizedAccessException)
        {
            return "not readable (run as root or as the validator user)";
        }
    }

    /// <summary>Opens a copy of the journal in <paramref name="journalDirectory"/>; null when there is no journal.</summary>
    public TapJournal? OpenJournalCopy(string journalDirectory)
    {
        if (!Directory.Exists(journalDirectory)) return null;
        var copy = Path.Combine(_directory, "journal");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(journalDirectory))
        {
            var name = Path.GetFileName(file);
            if (!name.EndsWith(".tapj", StringComparison.Ordinal) && name != "acknowledged") continue;
            try
            {
                File.Copy(file, Path.Combine(copy, name));
            }
            catch (FileNotFoundException)
            {
                // Pruned by the service while we copied: it held only acknowledged, expired taps.
            }
        }
        // No retention or rotation in the copy: it is read, never written, and must show everything it holds.
        return TapJournal.Open(new TapJournalOptions
        {
            Directory = copy, Retention = TimeSpan.FromDays(36_500), MaxSegmentAge = TimeSpan.FromDays(36_500), PrepareSpareSegments = false,
        });
    }

    /// <summary>Opens a copy of the list database at <paramref name="path"/> (with LiteDB's log file); null when there is none.</summary>
    public LiteDbListStore? OpenListsCopy(string path)
    {
        if (!File.Exists(path)) return null;
        var copy = Path.Combine(_directory, Path.GetFileName(path));
        File.Copy(path, copy);
        var log = Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));
        if (File.Exists(log)) File.Copy(log, Path.Combine(_directory, Path.GetFileName(log)));
        return LiteDbListStore.Open(copy);
    }

    /// <summary>The newest <paramref name="count"/> taps, newest first.</summary>
    public static IReadOnlyList<TapRecord> Recent(TapJournal journal, int count)
    {
        var taps = journal.ReadAfter(Math.Max(0, journal.LastSequence - count), count);
        return [.. taps.OrderByDescending(t => t.Sequence).Take(count)];
    }

    /// <summary>Stamps and policy of the stored lists.</summary>
    public static (ListStamp Deny, ListStamp Entitlements, ListStamp Policy, FarePolicy Rules) Lists(LiteDbListStore store) =>
        (store.DenyStamp, store.EntitlementStamp, store.PolicyStamp, store.LoadPolicy());

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary copy left behind is harmless; the next status makes its own.
        }
    }
}
