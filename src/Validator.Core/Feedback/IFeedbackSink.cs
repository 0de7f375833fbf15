namespace Validator.Core.Feedback;

/// <summary>Where the tap path sends what the student should see and hear; implementations never block the caller.</summary>
public interface IFeedbackSink
{
    /// <summary>Shows the feedback for one tap, pre-empting any tap feedback still running.</summary>
    void Show(TapSignal signal);

    /// <summary>Sets the standing state shown between taps; it never interrupts tap feedback that is running.</summary>
    void SetStatus(DeviceStatus status);
}
