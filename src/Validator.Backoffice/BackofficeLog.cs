namespace Validator.Backoffice;

/// <summary>The back office's log messages.</summary>
internal static partial class BackofficeLog
{
    [LoggerMessage(1, LogLevel.Warning, "Device {DeviceId} sent a malformed tap batch: {Problem}")]
    public static partial void MalformedBatch(ILogger logger, string deviceId, string problem);

    [LoggerMessage(2, LogLevel.Information, "Back office listening on {Url}; list signing key {KeyId}")]
    public static partial void Listening(ILogger logger, string url, string keyId);
}
