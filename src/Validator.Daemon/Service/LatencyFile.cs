using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Core.Taps;

namespace Validator.Daemon.Service;

/// <summary>The tap path's per-step latency as the running service publishes it for <c>validator status</c>.</summary>
internal sealed record LatencyReport
{
    /// <summary>When the service started counting (its start).</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>When the service wrote these figures.</summary>
    public required DateTimeOffset WrittenAt { get; init; }

    /// <summary>Taps counted.</summary>
    public long Taps { get; init; }

    /// <summary>Every step's figures, total last.</summary>
    public IReadOnlyList<StepLatency> Steps { get; init; } = [];
}

/// <summary>
/// <c>{DataDirectory}/latency.json</c>: written by the service (temp file and rename, so a reader never sees half a
/// file), read by <c>validator status</c>, which runs as its own process and cannot ask the service.
/// </summary>
internal static class LatencyFile
{
    public const string Name = "latency.json";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, Name);

    /// <summary>Replaces the file with <paramref name="report"/> in one rename.</summary>
    public static void Write(string path, LatencyReport report)
    {
        var temporary = path + ".tmp";
        // No fsync: the figures are a technician's glance, and a file lost in a power cut is rewritten within seconds.
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(report, LatencyJsonContext.Default.LatencyReport));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The published figures; null when there are none (no tap since the service started).</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable by this user.</exception>
    /// <exception cref="JsonException">The file is not a latency report.</exception>
    public static LatencyReport? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), LatencyJsonContext.Default.LatencyReport);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>Source-generated JSON for <see cref="LatencyFile"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(LatencyReport))]
internal sealed partial class LatencyJsonContext : JsonSerializerContext;
