using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Validator.Core.Clock;
using Validator.Core.Lists;
using Validator.Daemon.Service;
using Validator.Storage.Journal;
using Validator.Storage.Lists;
using Validator.Sync.Upload;

namespace Validator.Daemon.Cli;

/// <summary>
/// <c>validator status</c>: what this validator holds and does, for a technician at the bus. Reads copies of the
/// journal and the lists (never the files the service has open), the uploader's state file, and asks pcscd once.
/// Exits 0 even when degraded, and says what is degraded.
/// </summary>
internal static class StatusCommand
{
    public const string Usage = """
        validator status [--json]
          Shows software and list versions (with their ages), unsent taps, the last upload, journal size,
          pcscd and its readers, the last 10 taps (time, last 4 digits, brand, decision, reason), the clock and
          the running service's per-step tap latency (p50, p99, max since its start; written every 10 s).
          Works while the service runs: the journal and the lists are read from a copy, never changed.
          --json   the same as one JSON object
          Exit 0, also when something is degraded (the output says what).
        """;

    /// <summary>How many taps are shown; never more, so the output stays a glance and not a tap log.</summary>
    public const int RecentTaps = 10;

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var json = args.Flag("json");
        args.RejectUnknown();
        var report = Collect(ValidatorConfiguration.Load(), TimeProvider.System);
        stdout.Write(json ? JsonSerializer.Serialize(report, StatusJsonContext.Default.StatusReport) + "\n" : report.ToText());
        _ = stderr;
        return 0;
    }

    public static StatusReport Collect(IConfiguration configuration, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var degraded = new List<string>();
        var dataDirectory = DataDirectory(configuration);
        var deviceId = configuration["Device:Id"] is { Length: > 0 } id ? id : null;
        if (deviceId is null) degraded.Add("not provisioned: run 'validator provision'");

        // The service saves the latest trusted time here (ClockTrustMonitor); a clock behind it is known to be wrong.
        var clock = new ClockStatus(new TimesyncdSyncSource().IsSynchronized, "systemd-timesyncd", ReadLastTrusted(Path.Combine(dataDirectory, "last-trusted-time")));
        if (clock.LastTrusted is { } lastTrusted && now < lastTrusted) degraded.Add($"clock is behind the last trusted time {lastTrusted:yyyy-MM-dd HH:mm}Z: it is wrong (no RTC, no network yet)");
        if (!clock.Synchronized) degraded.Add("clock not synchronised in this boot (timesyncd): check the network; taps are marked untrusted");

        using var snapshot = new StatusSnapshot();
        var lists = ReadLists(snapshot, Path.Combine(dataDirectory, "lists.db"), now, degraded);
        var journal = ReadJournal(snapshot, Path.Combine(dataDirectory, "journal"), configuration, degraded);
        var upload = ReadUpload(configuration, dataDirectory, Path.Combine(dataDirectory, "journal"), degraded);
        var (latency, latencyProblem) = ReadLatency(dataDirectory, degraded);
        var probe = StatusReaderProbe.Probe(TimeSpan.FromSeconds(3));
        var reader = new ReaderStatus(probe.Reachable, probe.Readers, probe.Problem);
        if (!probe.Reachable) degraded.Add($"pcscd not reachable ({probe.Problem}): 'systemctl status pcscd.socket'");
        else if (probe.Readers.Count == 0) degraded.Add("no card reader: check the USB cable, 'pcsc_scan'");

        return new StatusReport
        {
            Software = SoftwareVersion,
            Now = now,
            ConfigPath = ValidatorConfiguration.ConfigPath,
            DeviceId = deviceId,
            Line = configuration["Device:Line"] is { Length: > 0 } line ? line : null,
            Stop = configuration["Device:Stop"] is { Length: > 0 } stop ? stop : null,
            DataDirectory = dataDirectory,
            Clock = clock,
            Lists = lists,
            Journal = journal,
            Upload = upload,
            Reader = reader,
            Latency = latency,
            LatencyProblem = latencyProblem,
            Degraded = degraded,
        };
    }

    public static string SoftwareVersion => typeof(StatusCommand).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static string DataDirectory(IConfiguration configuration) =>
        configuration["Device:DataDirectory"] is { Length: > 0 } directory ? directory : "/var/lib/validator";

    public static string SyncStateDirectory(IConfiguration configuration, string dataDirectory) =>
        configuration["Sync:StateDirectory"] is { Length: > 0 } directory ? directory : Path.Combine(dataDirectory, "sync");

    public static long? QuotaBytes(IConfiguration configuration) =>
        long.TryParse(configuration["Journal:QuotaBytes"], NumberStyles.None, CultureInfo.InvariantCulture, out var quota) && quota > 0 ? quota : null;

    private static DateTimeOffset? ReadLastTrusted(string path)
    {
        try
        {
            return new LastTrustedTimeFile(path).Load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The latency figures the running service writes (it is another process); none before its first tap.</summary>
    private static (LatencyReport? Report, string? Problem) ReadLatency(string dataDirectory, List<string> degraded)
    {
        var path = LatencyFile.PathIn(dataDirectory);
        try
        {
            return (LatencyFile.Read(path), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            degraded.Add($"latency figures {path} unreadable: {e.Message}");
            return (null, $"unreadable: {e.Message}");
        }
    }

    private static ListsStatus ReadLists(StatusSnapshot snapshot, string path, DateTimeOffset now, List<string> degraded)
    {
        try
        {
            using var store = snapshot.OpenListsCopy(path);
            if (store is null)
            {
                degraded.Add("no lists yet: the device has not reached the back office since it was set up");
                return new ListsStatus($"none ({path} does not exist)", null, null, null);
            }
            var (deny, entitlements, policyStamp, policy) = StatusSnapshot.Lists(store);
            var denyStatus = Describe("deny", deny, policy.DenyListMaxAge, now);
            var entitlementStatus = Describe("entitlements", entitlements, policy.EntitlementsMaxAge, now);
            var policyStatus = Describe("policy", policyStamp, null, now);
            foreach (var list in new[] { denyStatus, entitlementStatus })
            {
                if (list.Stale) degraded.Add($"{list.Name} list {(list.Version == 0 ? "never loaded" : "older than the policy allows")}: get the bus into network range, check 'upload' and the back office");
            }
            return new ListsStatus("read from a copy of lists.db", denyStatus, entitlementStatus, policyStatus);
        }
        catch (Exception e) when (e is ListStoreCorruptException or IOException or UnauthorizedAccessException)
        {
            degraded.Add($"list store unreadable: {e.Message}");
            return new ListsStatus($"unreadable: {e.Message}", null, null, null);
        }
    }

    private static ListStatus Describe(string name, ListStamp stamp, TimeSpan? maxAge, DateTimeOffset now) => new(
        name,
        stamp.Version,
        stamp.Version == 0 ? null : stamp.UpdatedAt,
        stamp.Version == 0 ? 0 : Math.Round((now - stamp.UpdatedAt).TotalHours, 2),
        maxAge is { } max ? max.TotalHours : null,
        maxAge is { } limit && stamp.IsStale(now, limit));

    private static JournalStatus ReadJournal(StatusSnapshot snapshot, string directory, IConfiguration configuration, List<string> degraded)
    {
        var state = StatusSnapshot.JournalLockState(directory);
        string[] segments;
        try
        {
            segments = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.tapj") : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            degraded.Add($"journal unreadable: {e.Message}");
            return new JournalStatus { State = $"unreadable: {e.Message} (run as root)" };
        }
        // A segment pruned between the listing and this look has no length any more.
        var size = segments.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length);
        var quota = QuotaBytes(configuration);
        long? free = null;
        try
        {
            if (Directory.Exists(directory)) free = new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Free space is a hint only.
        }
        if (quota is { } q && size >= q * 0.8) degraded.Add($"journal uses {100.0 * size / q:F0} % of its quota: unsent taps are piling up, check uploads");
        var status = new JournalStatus { State = state, SizeBytes = size, Segments = segments.Length, QuotaBytes = quota, DiskFreeBytes = free };
        if (state == "missing" && segments.Length == 0) return status with { State = "no journal yet (no tap taken)" };
        try
        {
            using var journal = snapshot.OpenJournalCopy(directory);
            if (journal is null) return status;
            var report = journal.OpenReport;
            var damage = report.Clean ? null
                : $"{report.CorruptRegions} damaged region(s) ({report.CorruptBytes} bytes), torn tail {report.TornTailBytes} bytes{(report.AckFileDamaged ? ", upload cursor damaged (taps will be sent again)" : "")}";
            // A torn tail in a copy of a journal in use is a tap being written while we copied, not damage.
            if (damage is not null && (report.CorruptRegions > 0 || report.AckFileDamaged)) degraded.Add($"journal damage: {damage}");
            else damage = null;
            var queue = journal.LastSequence - journal.AcknowledgedThrough;
            return status with
            {
                ReadFrom = "a copy (the files in use are never opened)",
                LastSequence = journal.LastSequence,
                AcknowledgedThrough = journal.AcknowledgedThrough,
                QueueDepth = queue,
                Damage = damage,
                Recent = [.. StatusSnapshot.Recent(journal, RecentTaps).Select(t => new StatusTap(t.Sequence, t.Time, t.Last4, t.Brand, t.Decision, t.Reason))],
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            degraded.Add($"journal unreadable: {e.Message}");
            return status with { State = $"{state}; unreadable: {e.Message}" };
        }
    }

    private static UploadStatus ReadUpload(IConfiguration configuration, string dataDirectory, string journalDirectory, List<string> degraded)
    {
        var stateDirectory = SyncStateDirectory(configuration, dataDirectory);
        // The journal's cursor file is replaced at every acknowledgement: its time is the last successful upload.
        var cursor = new FileInfo(Path.Combine(journalDirectory, "acknowledged"));
        var status = new UploadStatus
        {
            StateDirectory = stateDirectory,
            LastAcknowledgedAt = cursor.Exists ? new DateTimeOffset(cursor.LastWriteTimeUtc, TimeSpan.Zero) : null,
        };
        var path = Path.Combine(stateDirectory, "upload-state.json");
        UploaderState? state = null;
        try
        {
            if (File.Exists(path)) state = JsonSerializer.Deserialize(File.ReadAllBytes(path), StatusJsonContext.Default.UploaderState);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            degraded.Add($"uploader state {path} unreadable: {e.Message}");
        }
        if (state is null) return status;
        if (state.ConsecutiveFailures > 0) degraded.Add($"uploads failing ({state.ConsecutiveFailures} in a row): {state.LastProblem}");
        if (state.BatchesSetAside > 0) degraded.Add($"{state.BatchesSetAside} tap batch(es) refused by the back office and set aside in {Path.Combine(stateDirectory, "rejected")}");
        return status with
        {
            ConsecutiveFailures = state.ConsecutiveFailures,
            NextAttemptAt = state.ConsecutiveFailures > 0 ? state.NextAttemptAt : null,
            LastProblem = state.LastProblem,
            BatchesSetAside = state.BatchesSetAside,
        };
    }
}
