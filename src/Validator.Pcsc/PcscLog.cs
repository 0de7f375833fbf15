using Microsoft.Extensions.Logging;

namespace Validator.Pcsc;

/// <summary>Log messages of the PC/SC layer (source-generated: no formatting cost when the level is off).</summary>
internal static partial class PcscLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "PC/SC service is back after {Seconds} s")]
    public static partial void ServiceBack(ILogger logger, double seconds);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "PC/SC monitor: {Error}; retrying every {BackoffMs} ms at most")]
    public static partial void MonitorRetrying(ILogger logger, string error, int backoffMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "PC/SC monitor failed; restarting its context")]
    public static partial void MonitorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "libpcsclite.so.1 is missing: install libpcsclite1 and pcscd (apt-get install pcscd)")]
    public static partial void LibraryMissing(ILogger logger);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Reader attached: {Reader}")]
    public static partial void ReaderAttached(ILogger logger, string reader);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Reader detached: {Reader}")]
    public static partial void ReaderDetached(ILogger logger, string reader);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "PC/SC service available")]
    public static partial void ServiceAvailable(ILogger logger);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "A reader event handler failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);
}
