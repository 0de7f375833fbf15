using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Feedback;
using Validator.Core.Taps;
using Validator.Pcsc;

namespace Validator.Daemon.Service;

/// <summary>
/// The tap loop of the running validator: card-present events from the reader monitor go to one tap thread, which
/// connects, runs the tap path (read, decide, journal, feedback) and waits for the next card. Start returns once the
/// monitor has reached pcscd (or after a short grace), so systemd's READY means "taps are being served".
/// </summary>
internal sealed partial class TapService : IHostedService, IDisposable
{
    private static readonly TimeSpan ReadyGrace = TimeSpan.FromSeconds(2);
    private readonly ReaderMonitor _monitor;
    private readonly PcscCardConnector _connector;
    private readonly TapProcessor _processor;
    private readonly IFeedbackSink _feedback;
    private readonly TapLatencies _latencies;
    private readonly ILogger<TapService> _logger;
    private readonly BlockingCollection<CardEventArgs> _arrivals = new();
    private readonly ManualResetEventSlim _serviceUp = new(false);
    private readonly Lock _statusGate = new();
    private Thread? _thread;
    private long _heartbeat = Stopwatch.GetTimestamp();
    private ClockTrust _clockTrust = ClockTrust.Trusted;

    public TapService(ReaderMonitor monitor, PcscCardConnector connector, TapProcessor processor, IFeedbackSink feedback, TapLatencies latencies, ILogger<TapService> logger)
    {
        _monitor = monitor;
        _connector = connector;
        _processor = processor;
        _feedback = feedback;
        _latencies = latencies;
        _logger = logger;
        _monitor.CardInserted += (_, e) => _arrivals.Add(e);
        _monitor.ServiceStateChanged += (_, e) =>
        {
            if (e.Available) _serviceUp.Set();
            else _serviceUp.Reset();
            ShowReaderStatus();
        };
        _monitor.ReaderAttached += (_, _) => ShowReaderStatus();
        _monitor.ReaderDetached += (_, _) => ShowReaderStatus();
    }

    /// <summary>
    /// Ready with pcscd and a reader, else out of service. Read and shown under one lock, so the start-up thread and the
    /// monitor thread cannot leave an older state showing after a newer one.
    /// </summary>
    private void ShowReaderStatus()
    {
        lock (_statusGate)
        {
            _feedback.SetStatus(_monitor.ServiceAvailable && _monitor.Readers.Count > 0 ? DeviceStatus.Ready : DeviceStatus.OutOfService);
        }
    }

    /// <summary>Taps served since start.</summary>
    public long Taps => Interlocked.Read(ref _taps);

    private long _taps;

    /// <summary>True while the tap thread is alive and went round its loop recently; the watchdog asks this.</summary>
    public bool IsHealthy(TimeSpan within) =>
        _thread is { IsAlive: true } && Stopwatch.GetElapsedTime(Interlocked.Read(ref _heartbeat)) < within;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Asked to stop before this service's turn to start (SIGTERM during the list load): start nothing.
        if (cancellationToken.IsCancellationRequested) return Task.CompletedTask;
        _feedback.SetStatus(DeviceStatus.Starting);
        _thread = new Thread(Loop) { IsBackground = true, Name = "tap-loop" };
        _thread.Start();
        _monitor.Start();
        bool up;
        try
        {
            up = _serviceUp.Wait(ReadyGrace, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop (SIGTERM from systemctl, Ctrl+C) while waiting for pcscd: not a failed start. The host goes
            // on to stop, and StopAsync ends the tap thread as it always does.
            return Task.CompletedTask;
        }
        if (!up)
        {
            LogNoPcscd(_logger, ReadyGrace.TotalSeconds);
            // The monitor reports only changes, and pcscd absent from the start is none: without this the device would
            // show "starting" for as long as pcscd stays away.
            ShowReaderStatus();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Finish the tap in progress, then stop: no half-shown answer, no tap lost.
        _arrivals.CompleteAdding();
        _thread?.Join(TimeSpan.FromSeconds(5));
        _monitor.Stop();
        return Task.CompletedTask;
    }

    private void Loop()
    {
        foreach (var arrival in Arrivals())
        {
            if (arrival is null) continue;
            try
            {
                Serve(arrival);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A tap must never take the loop down; the next student still needs an answer.
                LogTapFailed(_logger, ex);
                _feedback.Show(TapSignal.TapAgain);
            }
        }
    }

    /// <summary>Arrivals, with a null every second while idle so the watchdog heartbeat keeps beating.</summary>
    private IEnumerable<CardEventArgs?> Arrivals()
    {
        while (!_arrivals.IsCompleted)
        {
            Interlocked.Exchange(ref _heartbeat, Stopwatch.GetTimestamp());
            CardEventArgs? next;
            try
            {
                if (!_arrivals.TryTake(out next, TimeSpan.FromSeconds(1))) next = null;
            }
            catch (InvalidOperationException)
            {
                yield break;
            }
            yield return next;
        }
    }

    private void Serve(CardEventArgs arrival)
    {
        var connectStart = Stopwatch.GetTimestamp();
        TapResult result;
        if (arrival.IsMute)
        {
            result = _processor.ProcessFailure(CardReadFailures.FromConnectFault(CardFault.MalformedResponse, "card is mute (no ATR)"));
        }
        else if (!_connector.TryConnect(arrival.ReaderName, arrival.Atr, out var card, out var fault, out var detail))
        {
            result = _processor.ProcessFailure(CardReadFailures.FromConnectFault(fault, detail), Stopwatch.GetElapsedTime(arrival.Timestamp));
        }
        else
        {
            using (card)
            {
                var channel = new IsoCardChannel(card!);
                var connect = Stopwatch.GetElapsedTime(arrival.Timestamp);
                result = arrival.PresentWhenFirstSeen ? _processor.ProcessCardFoundOnReader(channel, connect) : _processor.Process(channel, connect);
            }
        }
        _latencies.Record(result.Timings);
        if (result.Decision.ClockTrust != _clockTrust)
        {
            // Once per change, not per tap: the log says when taps started (and stopped) being flagged.
            _clockTrust = result.Decision.ClockTrust;
            LogClockTrust(_logger, _clockTrust, result.Decision.DecidedAt, result.Decision.JudgedAt);
        }
        Interlocked.Increment(ref _taps);
        var total = Stopwatch.GetElapsedTime(arrival.Timestamp);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var served = Math.Round(Stopwatch.GetElapsedTime(connectStart).TotalMilliseconds, 2);
            var sequence = result.Record?.Sequence ?? -1;
            var brand = result.Read.Identity?.Brand ?? "-";
            var last4 = result.Read.Identity?.Last4 ?? "-";
            var ms = Math.Round(total.TotalMilliseconds, 2);
            if (result.ShownAgain) LogShownAgain(_logger, sequence, result.Decision.Reason, brand, last4);
            else LogTap(_logger, sequence, result.Decision.Reason, brand, last4, result.Read.ApduCount, ms, served);
        }
        if (result.JournalError is not null) LogNotStored(_logger, result.JournalError);
    }

    public void Dispose()
    {
        _arrivals.Dispose();
        _serviceUp.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tap {Sequence}: {Reason} ({Brand} …{Last4}, {Apdus} APDUs, {Ms} ms from card present, {ServeMs} ms served)")]
    private static partial void LogTap(ILogger logger, long sequence, string reason, string brand, string last4, int apdus, double ms, double serveMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tap {Sequence} shown again: {Reason} ({Brand} …{Last4} lay on the reader across the restart; not stored twice)")]
    private static partial void LogShownAgain(ILogger logger, long sequence, string reason, string brand, string last4);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clock trust is now {Trust} (device clock {Now:u}, dates judged by {JudgedAt:u}); taps are flagged unless Trusted")]
    private static partial void LogClockTrust(ILogger logger, ClockTrust trust, DateTimeOffset now, DateTimeOffset judgedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tap not stored: {Error}; the device shows out of service until storage works")]
    private static partial void LogNotStored(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A tap failed unexpectedly; the student was asked to tap again")]
    private static partial void LogTapFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pcscd not reachable after {Seconds} s; serving as soon as it is (is pcscd installed and running?)")]
    private static partial void LogNoPcscd(ILogger logger, double seconds);
}
