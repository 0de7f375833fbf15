using Microsoft.Extensions.Logging;

namespace Validator.Sync;

/// <summary>The sync jobs' log messages.</summary>
internal static partial class SyncLog
{
    [LoggerMessage(1, LogLevel.Warning, "Upload failed ({Problem}); failure {Failures} in a row, next try in {DelaySeconds:0.#} s; {Unsent} taps waiting")]
    public static partial void UploadFailed(ILogger logger, string problem, int failures, double delaySeconds, long unsent);

    [LoggerMessage(2, LogLevel.Error, "The back office refused {Count} taps (sequences {First}..{Last}): {Reason}. Set aside in {Path}; the taps behind them go on")]
    public static partial void BatchSetAside(ILogger logger, int count, long first, long last, string reason, string path);

    [LoggerMessage(3, LogLevel.Information, "List {List} updated to version {Version} ({Format}, {Entries} entries)")]
    public static partial void ListApplied(ILogger logger, string list, long version, string format, int entries);

    [LoggerMessage(4, LogLevel.Error, "List {List} update refused, the old list stays in service: {Problem}")]
    public static partial void ListRefused(ILogger logger, string list, string problem);

    [LoggerMessage(5, LogLevel.Warning, "List {List} could not be fetched: {Problem}")]
    public static partial void ListFetchFailed(ILogger logger, string list, string problem);

    [LoggerMessage(6, LogLevel.Warning, "Heartbeat failed: {Problem}")]
    public static partial void HeartbeatFailed(ILogger logger, string problem);

    [LoggerMessage(7, LogLevel.Error, "The {Job} job failed and will try again")]
    public static partial void JobFailed(ILogger logger, string job, Exception exception);
}
