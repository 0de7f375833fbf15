using System.Diagnostics;
using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Feedback;

namespace Validator.Core.Taps;

/// <summary>
/// The hot path of one tap: read the card, decide, store the tap durably, then show the answer. The order is the
/// promise to the student: feedback starts only once the tap is on disk, so a tap that was shown is never lost.
/// A tap that cannot be stored is not shown as accepted: the student is asked to tap again and the device reports
/// itself out of service until storage works.
/// </summary>
public sealed class TapProcessor
{
    private readonly CardReader _reader;
    private readonly FareService _fares;
    private readonly ITapJournal _journal;
    private readonly IFeedbackSink _feedback;
    private readonly TimeProvider _time;
    private readonly string _deviceId;
    private readonly TapLocation _location;

    /// <summary>Creates the tap path of device <paramref name="deviceId"/>.</summary>
    public TapProcessor(CardReader reader, FareService fares, ITapJournal journal, IFeedbackSink feedback, string deviceId, TapLocation? location = null, TimeProvider? time = null)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _fares = fares ?? throw new ArgumentNullException(nameof(fares));
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        _feedback = feedback ?? throw new ArgumentNullException(nameof(feedback));
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        _deviceId = deviceId;
        _location = location ?? TapLocation.Unknown;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>True after a journal write failed and until one succeeds again.</summary>
    public bool StorageFaulted { get; private set; }

    /// <summary>Processes a tap on a connected card; <paramref name="connectTime"/> is the time the connect took.</summary>
    public TapResult Process(ICardChannel channel, TimeSpan connectTime = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var start = Stopwatch.GetTimestamp();
        var read = _reader.Read(channel);
        return Finish(read, connectTime, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Processes a tap whose card could not be read at all (connect failed, mute card).</summary>
    public TapResult ProcessFailure(CardReadResult read, TimeSpan connectTime = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        return Finish(read, connectTime, TimeSpan.Zero);
    }

    /// <summary>
    /// Processes a card that was already on the reader when the service first looked (<c>PresentWhenFirstSeen</c>):
    /// after a crash or restart it may be the card of the last stored tap, never taken away. Then that tap's answer is
    /// shown again and nothing is stored, so one presentation is never stored twice; any other card is an ordinary tap.
    /// </summary>
    public TapResult ProcessCardFoundOnReader(ICardChannel channel, TimeSpan connectTime = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var start = Stopwatch.GetTimestamp();
        var read = _reader.Read(channel);
        var readTime = Stopwatch.GetElapsedTime(start);
        return StoredBeforeRestart(read) is { } earlier ? ShowAgain(read, earlier, connectTime, readTime) : Finish(read, connectTime, readTime);
    }

    /// <summary>How long after its tap a card found on the reader at start counts as still lying there since that tap.</summary>
    public static TimeSpan StillOnReaderWindow { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The last stored tap when it is this card's, answered (not "tap again") and recent; else null.</summary>
    private TapRecord? StoredBeforeRestart(CardReadResult read)
    {
        if (read.Identity?.Token is not { } token || token == default) return null;
        TapRecord? last;
        try
        {
            last = _journal.LastStored;
        }
        catch (IOException)
        {
            return null; // cannot tell: serve it as a new tap
        }
        if (last is null || last.CardToken != token || !Enum.TryParse<FareOutcome>(last.Decision, out var outcome) || outcome == FareOutcome.TapAgain) return null;
        return (_time.GetUtcNow() - last.Time).Duration() <= StillOnReaderWindow ? last : null;
    }

    private TapResult ShowAgain(CardReadResult read, TapRecord earlier, TimeSpan connect, TimeSpan readTime)
    {
        var decision = new FareDecision
        {
            Outcome = Enum.Parse<FareOutcome>(earlier.Decision),
            Reason = earlier.Reason,
            Product = earlier.Product,
            DecidedAt = earlier.Time,
            Lists = earlier.ListVersions,
        };
        var signal = decision.ToSignal();
        var mark = Stopwatch.GetTimestamp();
        _feedback.Show(signal);
        var feedback = Stopwatch.GetElapsedTime(mark);
        return new TapResult(read, decision, earlier, signal, new TapTimings(connect, readTime, TimeSpan.Zero, TimeSpan.Zero, feedback), null) { ShownAgain = true };
    }

    private TapResult Finish(CardReadResult read, TimeSpan connect, TimeSpan readTime)
    {
        var mark = Stopwatch.GetTimestamp();
        var decision = _fares.Decide(read, _location);
        var decide = Stopwatch.GetElapsedTime(mark);

        mark = Stopwatch.GetTimestamp();
        TapRecord? stored = null;
        string? journalError = null;
        var sync = TimeSpan.Zero;
        try
        {
            stored = _journal.Append(ToRecord(read, decision));
            sync = _journal.LastSyncTime;
            _fares.Record(read, decision);
            if (StorageFaulted)
            {
                StorageFaulted = false;
                _feedback.SetStatus(DeviceStatus.Ready);
            }
        }
        catch (IOException ex)
        {
            journalError = ex.Message;
            sync = _journal.LastSyncTime; // a sync that stalled and then failed is what a dying card looks like
        }
        var journal = Stopwatch.GetElapsedTime(mark);

        var signal = stored is null ? TapSignal.TapAgain : decision.ToSignal();
        mark = Stopwatch.GetTimestamp();
        _feedback.Show(signal);
        var feedback = Stopwatch.GetElapsedTime(mark);
        if (stored is null && !StorageFaulted)
        {
            StorageFaulted = true;
            _feedback.SetStatus(DeviceStatus.OutOfService);
        }

        return new TapResult(read, decision, stored, signal, new TapTimings(connect, readTime, decide, journal, feedback, sync), journalError);
    }

    private TapRecord ToRecord(CardReadResult read, FareDecision decision)
    {
        var card = read.Identity;
        return new TapRecord
        {
            Id = TapRecord.NewId(_time),
            DeviceId = _deviceId,
            Time = decision.DecidedAt == default ? _time.GetUtcNow() : decision.DecidedAt,
            ClockTrusted = !decision.ClockFlagged,
            CardToken = card?.Token ?? default,
            Psn = card?.Psn,
            Expiry = card?.Expiry,
            Last4 = card?.Last4,
            Brand = card?.Brand ?? "unknown",
            Decision = decision.Outcome.ToString(),
            Reason = decision.Reason,
            Product = decision.Product,
            Line = _location.Line,
            Stop = _location.Stop,
            ListVersions = decision.Lists,
        };
    }
}
