using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;

namespace Validator.Gpio.Tests;

/// <summary>The feedback stack over the simulated driver and PWM channel, on a fake clock; times are ms from <see cref="MarkOrigin"/>.</summary>
internal sealed class FeedbackRig : IDisposable
{
    public const int Green = 17;
    public const int Red = 27;
    public const int Amber = 22;
    public const int BuzzerPin = 18;

    private FeedbackRig(FeedbackOptions options, FakeTimeProvider time, SimulatedGpioDriver driver, SimulatedPwmChannel? pwm, GpioFeedback feedback)
    {
        Options = options;
        Time = time;
        Driver = driver;
        Pwm = pwm;
        Feedback = feedback;
        MarkOrigin();
    }

    public FeedbackOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public SimulatedGpioDriver Driver { get; }

    public SimulatedPwmChannel? Pwm { get; }

    public GpioFeedback Feedback { get; }

    public long Origin { get; private set; }

    /// <summary>Changes recorded before the origin; a change at the origin's timestamp may still come before it.</summary>
    private int PinChangesBefore { get; set; }

    private int PwmChangesBefore { get; set; }

    /// <summary>Opens the stack with default options (passive buzzer on PWM) changed by <paramref name="configure"/>, at a local time of noon unless given.</summary>
    public static FeedbackRig Start(Action<FeedbackOptions>? configure = null, DateTimeOffset? at = null)
    {
        var options = new FeedbackOptions();
        configure?.Invoke(options);
        var time = new FakeTimeProvider(at ?? new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        // The rig marks an origin by count (MarkOrigin) and skips to it: it keeps every change, not the latest 10,000.
        var driver = new SimulatedGpioDriver(time: time) { HistoryLimit = int.MaxValue };
        var pwm = options.Buzzer == BuzzerKind.Passive ? new SimulatedPwmChannel(time: time) { HistoryLimit = int.MaxValue } : null;
        var feedback = GpioFeedback.Open(options, driver, pwm, time);
        return new FeedbackRig(options, time, driver, pwm, feedback);
    }

    /// <summary>Shows ready, then makes "now" the origin of every interval read afterwards.</summary>
    public FeedbackRig Ready()
    {
        Feedback.SetStatus(Core.Feedback.DeviceStatus.Ready);
        MarkOrigin();
        return this;
    }

    public void MarkOrigin()
    {
        Origin = Time.GetTimestamp();
        PinChangesBefore = Driver.Changes.Count;
        PwmChangesBefore = Pwm?.Changes.Count ?? 0;
    }

    /// <summary>
    /// Moves the fake clock in 1 ms steps: one large FakeTimeProvider.Advance sets the clock to the end first and
    /// then fires the due timers, so callbacks would see the wrong time (dotnet/extensions issue #5722).
    /// </summary>
    public void Advance(int milliseconds)
    {
        for (var i = 0; i < milliseconds; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    public double NowMs => Ms(Time.GetTimestamp());

    public bool IsLit(int pin) => Driver.LevelOf(pin) == OnLevel(pin);

    /// <summary>When <paramref name="pin"/> was active since the origin, as [from, to) in ms; an interval still open ends now.</summary>
    public IReadOnlyList<Interval> Lit(int pin)
    {
        var on = OnLevel(pin);
        var all = Driver.Changes;
        var before = all.Take(PinChangesBefore).LastOrDefault(c => c.Pin == pin);
        var active = (before == default ? PinValue.Low : before.Value) == on;
        double? since = active ? 0 : null;
        var intervals = new List<Interval>();
        foreach (var change in all.Skip(PinChangesBefore).Where(c => c.Pin == pin))
        {
            if (change.Value == on && since is null)
            {
                since = Ms(change.Timestamp);
            }
            else if (change.Value != on && since is double from)
            {
                // A state that lasted no time at all (the ready amber at the instant a tap replaced it) is not visible.
                if (Ms(change.Timestamp) > from)
                {
                    intervals.Add(new Interval(from, Ms(change.Timestamp)));
                }

                since = null;
            }
        }

        if (since is double open)
        {
            intervals.Add(new Interval(open, NowMs));
        }

        return intervals;
    }

    /// <summary>Every tone the PWM channel played since the origin: [from, to) in ms, pitch and duty cycle.</summary>
    public IReadOnlyList<Beep> Beeps()
    {
        var beeps = new List<Beep>();
        Beep? current = null;
        foreach (var change in Pwm!.Changes.Skip(PwmChangesBefore))
        {
            var sounding = change.Running && change.DutyCycle > 0;
            if (current is { } playing && (!sounding || playing.Hz != change.Frequency || !playing.DutyCycle.Equals(change.DutyCycle)))
            {
                beeps.Add(playing with { To = Ms(change.Timestamp) });
                current = null;
            }

            if (sounding && current is null)
            {
                current = new Beep(Ms(change.Timestamp), double.NaN, change.Frequency, change.DutyCycle);
            }
        }

        if (current is { } last)
        {
            beeps.Add(last with { To = NowMs });
        }

        return beeps;
    }

    public void Dispose() => Feedback.Dispose();

    private PinValue OnLevel(int pin)
    {
        var activeLow = pin == Options.BuzzerPin && Options.Buzzer == BuzzerKind.Active ? Options.BuzzerActiveLow : Options.LedsActiveLow;
        return activeLow ? PinValue.Low : PinValue.High;
    }

    private double Ms(long timestamp) => Time.GetElapsedTime(Origin, timestamp).TotalMilliseconds;
}

/// <summary>A span of time in ms from the rig's origin.</summary>
internal readonly record struct Interval(double From, double To)
{
    public override string ToString() => $"[{From:0.#}, {To:0.#})";
}

/// <summary>One tone: when, which pitch, which duty cycle (volume).</summary>
internal readonly record struct Beep(double From, double To, int Hz, double DutyCycle)
{
    public override string ToString() => $"[{From:0.#}, {To:0.#}) {Hz} Hz duty {DutyCycle:0.###}";
}
