using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Daemon.Service;

namespace Validator.Daemon.Cli;

/// <summary>What <c>validator status</c> prints: the device, its lists, its journal, uploads, reader and clock. Never a PAN.</summary>
internal sealed record StatusReport
{
    public required string Software { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required string ConfigPath { get; init; }

    public string? DeviceId { get; init; }

    public string? Line { get; init; }

    public string? Stop { get; init; }

    public required string DataDirectory { get; init; }

    public required ClockStatus Clock { get; init; }

    public required ListsStatus Lists { get; init; }

    public required JournalStatus Journal { get; init; }

    public required UploadStatus Upload { get; init; }

    public required ReaderStatus Reader { get; init; }

    /// <summary>Per-step tap latency the running service published; null when it has counted no tap since it started.</summary>
    public LatencyReport? Latency { get; init; }

    /// <summary>Why the published latency figures could not be read, when they could not.</summary>
    public string? LatencyProblem { get; init; }

    /// <summary>Everything that is not as it should be, in words that say what to look at; empty when all is well.</summary>
    public required IReadOnlyList<string> Degraded { get; init; }

    public string ToText()
    {
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label,-14}{value}\n");
        Line("software", Software);
        Line("device", $"{DeviceId ?? "(not provisioned)"}{(this.Line is null ? "" : $", line {this.Line}")}{(Stop is null ? "" : $", stop {Stop}")}");
        Line("config", ConfigPath);
        Line("data", DataDirectory);
        Line("clock", $"{Now:yyyy-MM-dd HH:mm:ss}Z, {(Clock.Synchronized ? "synchronised" : "NOT synchronised")} ({Clock.Source}){(Clock.LastTrusted is { } trusted ? $", last trusted {trusted:yyyy-MM-dd HH:mm}Z" : "")}");
        Line("lists", Lists.State);
        foreach (var list in new[] { Lists.Deny, Lists.Entitlements, Lists.Policy })
        {
            if (list is null) continue;
            Line($"  {list.Name}", list.Version == 0
                ? "none yet"
                : $"version {list.Version}, updated {list.UpdatedAt:yyyy-MM-dd HH:mm}Z ({Age(list.AgeHours)} ago{(list.MaxAgeHours is { } max ? $", limit {Age(max)}" : "")}){(list.Stale ? " STALE" : "")}");
        }
        Line("journal", $"{Journal.State}{(Journal.ReadFrom is null ? "" : $"; read from {Journal.ReadFrom}")}");
        if (Journal.LastSequence is not null)
        {
            Line("  unsent", $"{Journal.QueueDepth} tap(s) (last sequence {Journal.LastSequence}, acknowledged through {Journal.AcknowledgedThrough})");
        }
        if (Journal.Damage is not null) Line("  damage", Journal.Damage);
        Line("  size", $"{Bytes(Journal.SizeBytes)} in {Journal.Segments} segment(s){(Journal.QuotaBytes is { } quota ? $" of a {Bytes(quota)} quota ({100.0 * Journal.SizeBytes / quota:F0} %)" : ", no quota set (Journal:QuotaBytes)")}"
            + (Journal.DiskFreeBytes is { } free ? $", {Bytes(free)} free on disk" : ""));
        Line("upload", Upload.LastAcknowledgedAt is { } acked ? $"last acknowledged {acked:yyyy-MM-dd HH:mm:ss}Z" : "nothing acknowledged yet");
        if (Upload.ConsecutiveFailures > 0)
            Line("  failing", $"{Upload.ConsecutiveFailures} drain(s) in a row, next try {Upload.NextAttemptAt:HH:mm:ss}Z: {Upload.LastProblem}");
        if (Upload.BatchesSetAside > 0) Line("  set aside", $"{Upload.BatchesSetAside} batch(es) refused by the back office (see {Upload.StateDirectory}/rejected)");
        Line("reader", Reader.Reachable
            ? Reader.Readers.Count == 0 ? "pcscd reachable, NO reader" : $"pcscd reachable, {string.Join(", ", Reader.Readers)}"
            : $"pcscd NOT reachable: {Reader.Problem}");
        if (Latency is { } latency)
        {
            Line("latency", $"since {latency.Since:yyyy-MM-dd HH:mm:ss}Z, figures of {latency.WrittenAt:HH:mm:ss}Z");
            foreach (var step in latency.Steps)
                text.Append(CultureInfo.InvariantCulture, $"  {step.Step,-12}p50 {Ms(step.P50Ms)} ms p99 {Ms(step.P99Ms)} ms max {Ms(step.MaxMs)} ms ({step.Count} taps)\n");
        }
        else Line("latency", LatencyProblem ?? "no taps since start");
        Line("recent taps", Journal.Recent.Count == 0 ? "none" : "");
        foreach (var tap in Journal.Recent)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {tap.Time:yyyy-MM-dd HH:mm:ss zzz}  #{tap.Sequence,-6} {(tap.Last4 is null ? "----" : "…" + tap.Last4),-6} {tap.Brand,-12} {tap.Decision,-9} {tap.Reason}\n");
        }
        if (Degraded.Count == 0) text.Append("state         OK\n");
        else
        {
            text.Append("state         DEGRADED\n");
            foreach (var problem in Degraded) text.Append(CultureInfo.InvariantCulture, $"  - {problem}\n");
        }
        return text.ToString();
    }

    /// <summary>Milliseconds to two decimals below 1 ms, one below 10 ms, whole above: "0.93", "2.1", "17".</summary>
    private static string Ms(double ms) => ms switch
    {
        < 1 => ms.ToString("0.##", CultureInfo.InvariantCulture),
        < 10 => ms.ToString("0.#", CultureInfo.InvariantCulture),
        _ => ms.ToString("0", CultureInfo.InvariantCulture),
    };

    private static string Age(double hours) => hours switch
    {
        < 1 => $"{hours * 60:F0} min",
        < 48 => $"{hours:F1} h",
        _ => $"{hours / 24:F1} days",
    };

    private static string Bytes(long bytes) => bytes switch
    {
        < 10 * 1024 => $"{bytes} B",
        < 10 * 1024 * 1024 => $"{bytes / 1024} KiB",
        _ => $"{bytes / (1024 * 1024)} MiB",
    };
}

/// <summary>The wall clock and whether it was synchronised in this boot.</summary>
internal sealed record ClockStatus(bool Synchronized, string Source, DateTimeOffset? LastTrusted);

/// <summary>The stored lists (read from a copy of the list database).</summary>
internal sealed record ListsStatus(string State, ListStatus? Deny, ListStatus? Entitlements, ListStatus? Policy);

/// <summary>One list: its version and age, and the age the policy allows (null for the policy itself).</summary>
internal sealed record ListStatus(string Name, long Version, DateTimeOffset? UpdatedAt, double AgeHours, double? MaxAgeHours, bool Stale);

/// <summary>The tap journal: who holds it, how it was read, what waits for upload, and the newest taps.</summary>
internal sealed record JournalStatus
{
    public required string State { get; init; }

    public string? ReadFrom { get; init; }

    public long? LastSequence { get; init; }

    public long? AcknowledgedThrough { get; init; }

    public long? QueueDepth { get; init; }

    public string? Damage { get; init; }

    public long SizeBytes { get; init; }

    public int Segments { get; init; }

    public long? QuotaBytes { get; init; }

    public long? DiskFreeBytes { get; init; }

    public IReadOnlyList<StatusTap> Recent { get; init; } = [];
}

/// <summary>One recent tap: when, the last four digits at most, and the decision. Never more of the card.</summary>
internal sealed record StatusTap(long Sequence, DateTimeOffset Time, string? Last4, string Brand, string Decision, string Reason);

/// <summary>The uploader: when the back office last acknowledged taps, and its persisted backoff.</summary>
internal sealed record UploadStatus
{
    public required string StateDirectory { get; init; }

    public DateTimeOffset? LastAcknowledgedAt { get; init; }

    public int ConsecutiveFailures { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public string? LastProblem { get; init; }

    public long BatchesSetAside { get; init; }
}

/// <summary>pcscd and its readers.</summary>
internal sealed record ReaderStatus(bool Reachable, IReadOnlyList<string> Readers, string? Problem);

/// <summary>Source-generated JSON for <c>validator status --json</c> and <c>validator selftest --json</c>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(SelftestReport))]
[JsonSerializable(typeof(Validator.Sync.Upload.UploaderState))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
