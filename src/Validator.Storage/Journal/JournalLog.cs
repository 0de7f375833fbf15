using Microsoft.Extensions.Logging;

namespace Validator.Storage.Journal;

/// <summary>The journal's log lines, source-generated so a disabled level costs nothing on the tap path.</summary>
internal static partial class JournalLog
{
    [LoggerMessage(1, LogLevel.Information, "Tap journal opened: {Segments} segments, {Records} records, next sequence {Next}")]
    public static partial void Opened(ILogger logger, int segments, long records, long next);

    [LoggerMessage(2, LogLevel.Warning, "Tap journal: {Length} damaged bytes at {Offset} in {Segment} skipped (checksum); records after it kept")]
    public static partial void Corrupt(ILogger logger, string segment, long offset, long length);

    [LoggerMessage(3, LogLevel.Warning, "Tap journal: torn last write of {Length} bytes at {Offset} in {Segment} cleared")]
    public static partial void TornTail(ILogger logger, string segment, long offset, long length);

    [LoggerMessage(4, LogLevel.Warning, "Tap journal: upload cursor {Path} is damaged; unsent taps start again from the oldest kept")]
    public static partial void AckFileDamaged(ILogger logger, string path);

    [LoggerMessage(5, LogLevel.Information, "Tap journal: deleted {Count} acknowledged segments")]
    public static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(6, LogLevel.Warning, "Tap journal quota alarm {State}: {Used} of {Quota} bytes")]
    public static partial void Quota(ILogger logger, string state, long used, long quota);

    [LoggerMessage(7, LogLevel.Error, "Tap journal append failed ({Fault})")]
    public static partial void AppendFailed(ILogger logger, JournalFault fault, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Tap journal: no pre-zeroed spare segment ({Free} bytes free, a spare takes {Size}); the next segment grows as it is written")]
    public static partial void SpareSkipped(ILogger logger, long free, long size);

    [LoggerMessage(9, LogLevel.Warning, "Tap journal: the pre-zeroed spare segment could not be prepared; the next segment grows as it is written")]
    public static partial void SpareFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Tap journal: the closed segment {Segment} could not be cut to its last record; the next open reports its zeros as damage (no record is lost)")]
    public static partial void TrimFailed(ILogger logger, string segment, Exception exception);
}
