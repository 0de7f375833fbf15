using Microsoft.Extensions.Logging;
using Validator.Core.Feedback;

namespace Validator.Daemon.Service;

/// <summary>
/// Stands in when the GPIO cannot be opened: taps are still decided and journaled (the driver can read the decision
/// from the log and the back office has the tap), and the missing lights are reported at start.
/// </summary>
internal sealed partial class NoFeedback(ILogger<NoFeedback> logger) : IFeedbackSink
{
    public void Show(TapSignal signal) => LogSignal(logger, signal);

    public void SetStatus(DeviceStatus status) => LogStatus(logger, status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback (no GPIO): {Signal}")]
    private static partial void LogSignal(ILogger logger, TapSignal signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device status (no GPIO): {Status}")]
    private static partial void LogStatus(ILogger logger, DeviceStatus status);
}
