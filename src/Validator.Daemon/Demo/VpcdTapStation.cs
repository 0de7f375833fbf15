using System.Collections.Concurrent;
using System.Diagnostics;
using Validator.Core.Cards;
using Validator.Core.Taps;
using Validator.Pcsc;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

namespace Validator.Daemon.Demo;

/// <summary>
/// Taps through the real PC/SC stack: each virtual card is put into pcscd's vpcd reader, seen by the reader monitor,
/// connected and read like a card on a USB reader. Starts a pcscd of its own when none is running.
/// </summary>
internal sealed class VpcdTapStation : ITapStation
{
    private const string ReaderName = "Virtual PCD 00 00";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly PcscdProcess? _pcscd;
    private readonly ReaderMonitor _monitor = new();
    // The virtual card answers from this very process; under emulation (qemu) or a loaded machine a GC pause can hold
    // an answer past the 1 s a real card gets, so the demo allows more.
    private readonly PcscCardConnector _connector = new(new PcscCardOptions { ApduTimeout = TimeSpan.FromSeconds(5) });
    private readonly BlockingCollection<CardEventArgs> _inserted = new();
    private readonly BlockingCollection<CardEventArgs> _removed = new();

    private VpcdTapStation(PcscdProcess? pcscd)
    {
        _pcscd = pcscd;
        _monitor.CardInserted += (_, e) => { if (e.ReaderName == ReaderName) _inserted.Add(e); };
        _monitor.CardRemoved += (_, e) => { if (e.ReaderName == ReaderName) _removed.Add(e); };
        _monitor.Start();
    }

    public string Description => _pcscd is null ? "the machine's pcscd with the vpcd virtual reader" : "a pcscd started for the demo with the vpcd virtual reader";

    /// <summary>A station on pcscd + vpcd, or null (with the reason) when this machine has neither.</summary>
    public static VpcdTapStation? TryStart(out string? whyNot) =>
        PcscdProcess.TryAcquire(Patience, out var started, out whyNot) ? new VpcdTapStation(started) : null;

    public StationTap Tap(ICardModel card, TapProcessor processor)
    {
        using var virtualCard = new VpcdCard(card);
        virtualCard.Insert();
        if (!_inserted.TryTake(out var present, Patience)) throw new TimeoutException("pcscd did not report the virtual card");
        TapResult result;
        if (!_connector.TryConnect(present.ReaderName, present.Atr, out var connected, out var fault, out var detail))
        {
            result = processor.ProcessFailure(CardReadFailures.FromConnectFault(fault, detail), Stopwatch.GetElapsedTime(present.Timestamp));
        }
        else
        {
            using (connected)
            {
                result = processor.Process(new IsoCardChannel(connected!), Stopwatch.GetElapsedTime(present.Timestamp));
            }
        }
        var tapToFeedback = result.Timings.Total;
        virtualCard.Remove();
        if (!_removed.TryTake(out _, Patience)) throw new TimeoutException("pcscd did not report the card's removal");
        return new StationTap(result, tapToFeedback);
    }

    public void Dispose()
    {
        _monitor.Dispose();
        _connector.Dispose();
        _pcscd?.Dispose();
        _inserted.Dispose();
        _removed.Dispose();
    }
}
