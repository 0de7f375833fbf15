using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Feedback;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Simulation.Clock;

namespace Validator.Daemon.Tests;

/// <summary>Builds a tap path around a card reader for tests that look at one part of it.</summary>
internal static class TapRig
{
    public static TapProcessor Processor(CardReader reader, ITapJournal journal, IFeedbackSink feedback, ListSnapshot? lists = null, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var fares = new FareService(new LiveLists(lists), new ClockTrustMonitor(clock, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());
        return new TapProcessor(reader, fares, journal, feedback, "test-device", new TapLocation("110", "Bernburg ZOB"), clock);
    }
}

/// <summary>A journal in memory that can be told to fail like a full disk.</summary>
internal sealed class MemoryJournal : ITapJournal
{
    public List<TapRecord> Taps { get; } = [];

    public IOException? Failure { get; set; }

    public Action? OnAppend { get; set; }

    public TapRecord? LastStored => Taps.Count == 0 ? null : Taps[^1];

    public TapRecord Append(TapRecord tap)
    {
        OnAppend?.Invoke();
        if (Failure is not null) throw Failure;
        var stored = tap with { Sequence = Taps.Count + 1 };
        Taps.Add(stored);
        return stored;
    }
}

/// <summary>Keeps every signal and status change in order.</summary>
internal sealed class RecordingFeedback : IFeedbackSink
{
    public List<string> Events { get; } = [];

    public void Show(TapSignal signal) => Events.Add($"show {signal}");

    public void SetStatus(DeviceStatus status) => Events.Add($"status {status}");
}
