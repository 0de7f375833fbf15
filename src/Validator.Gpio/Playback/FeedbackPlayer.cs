using Microsoft.Extensions.Logging;
using Validator.Core.Feedback;
using Validator.Gpio.Outputs;
using Validator.Gpio.Patterns;

namespace Validator.Gpio.Playback;

/// <summary>
/// Plays patterns on the feedback hardware without blocking the tap path: the first frame is written on the caller's
/// thread (lowest latency), the rest of the timeline on a timer. A tap pre-empts any tap pattern; the standing status
/// pattern runs only while no tap pattern does, so a status change during a tap waits for the tap to end.
/// </summary>
internal sealed partial class FeedbackPlayer : IFeedbackSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly IFeedbackHardware _hardware;
    private readonly BuzzerVolume _volume;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;

    private DeviceStatus _status = DeviceStatus.Starting;
    private FeedbackPattern? _foreground;
    private TaskCompletionSource? _foregroundDone;
    private FeedbackPattern? _playing;
    private long _startedAt;
    private int _frameIndex;
    private double _patternVolume;
    private bool _stopped;
    private bool _writeFailed;

    /// <summary>Plays on <paramref name="hardware"/>, which it owns from now on; nothing is shown until the first call.</summary>
    public FeedbackPlayer(IFeedbackHardware hardware, BuzzerVolume volume, TimeProvider time, ILogger logger)
    {
        _hardware = hardware;
        _volume = volume;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((FeedbackPlayer)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The status shown between taps.</summary>
    public DeviceStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <inheritdoc />
    public void Show(TapSignal signal) => PlayForeground(PatternTable.For(signal), completion: null);

    /// <summary>Plays <paramref name="pattern"/> over the status pattern; the task ends when it ends, is pre-empted or the player stops.</summary>
    public Task Play(FeedbackPattern pattern)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        PlayForeground(pattern, done);
        return done.Task;
    }

    /// <inheritdoc />
    public void SetStatus(DeviceStatus status)
    {
        var pattern = PatternTable.For(status);
        lock (_gate)
        {
            _status = status;
            if (!_stopped && _foreground is null && !ReferenceEquals(_playing, pattern))
            {
                Begin(pattern);
            }
        }
    }

    /// <summary>Stops at once, mid-pattern or not: every LED dark, the buzzer silent. Later calls show nothing.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            EndForeground();
            _playing = null;
            try
            {
                _hardware.AllOff();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStopFailed(ex);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _timer.Dispose();
        lock (_gate)
        {
            _hardware.Dispose();
        }
    }

    private void PlayForeground(FeedbackPattern pattern, TaskCompletionSource? completion)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                completion?.TrySetResult();
                return;
            }

            EndForeground();
            _foreground = pattern;
            _foregroundDone = completion;
            Begin(pattern);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (!_stopped && _playing is not null)
            {
                Advance();
            }
        }
    }

    private void Begin(FeedbackPattern pattern)
    {
        _playing = pattern;
        _startedAt = _time.GetTimestamp();
        _frameIndex = -1;
        _patternVolume = pattern.HasSound ? _volume.At(_time.GetLocalNow(), pattern.BypassQuietHours) : 0;
        Advance();
    }

    private void Advance()
    {
        var pattern = _playing!;
        var position = _time.GetElapsedTime(_startedAt);
        if (position >= pattern.Length)
        {
            if (!pattern.Loops)
            {
                EndForeground();
                Begin(PatternTable.For(_status));
                return;
            }

            position = TimeSpan.FromTicks(position.Ticks % pattern.Length.Ticks);
        }

        var index = pattern.FrameAt(position);
        if (index != _frameIndex)
        {
            _frameIndex = index;
            Write(pattern.Frames[index]);
        }

        if (pattern.IsSteady)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // A wake that comes early or late is harmless: the frame is chosen from the clock, not counted.
        var next = index + 1 < pattern.Frames.Count ? pattern.Frames[index + 1].Offset : pattern.Length;
        _timer.Change(WholeMillisecondsUntil(next - position), Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Rounds a wait up to whole milliseconds: timers truncate to milliseconds, and a 0.4 ms wait truncated to 0
    /// would fire at once, find the frame not due yet and spin until it is.
    /// </summary>
    private static TimeSpan WholeMillisecondsUntil(TimeSpan wait) => TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(wait.TotalMilliseconds)));

    private void Write(FeedbackFrame frame)
    {
        var volume = frame.SoftTone ? _patternVolume * BuzzerVolume.SoftShare : _patternVolume;
        try
        {
            _hardware.Show(frame.Lamp, frame.ToneHz, volume);
            _writeFailed = false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failing pin must not take the tap path down with it; log once per failure streak, not per frame.
            if (!_writeFailed)
            {
                LogWriteFailed(ex, _playing!.Name);
                _writeFailed = true;
            }
        }
    }

    private void EndForeground()
    {
        _foreground = null;
        var done = _foregroundDone;
        _foregroundDone = null;
        done?.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing feedback pattern {Pattern} to the GPIO pins failed; feedback may be wrong until a write succeeds")]
    private partial void LogWriteFailed(Exception exception, string pattern);

    [LoggerMessage(Level = LogLevel.Error, Message = "Turning the feedback outputs off failed")]
    private partial void LogStopFailed(Exception exception);
}
