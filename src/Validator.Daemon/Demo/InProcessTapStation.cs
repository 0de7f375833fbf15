using System.Diagnostics;
using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Demo;

/// <summary>Taps without any reader stack: the card model answers in process. Used where pcscd or vpcd is missing.</summary>
internal sealed class InProcessTapStation(CardReader reader) : ITapStation
{
    public string Description => "in-process virtual reader (install pcscd and vsmartcard-vpcd to tap through the real PC/SC stack)";

    public StationTap Tap(ICardModel card)
    {
        var clock = Stopwatch.StartNew();
        var read = reader.Read(new IsoCardChannel(new SimulatedCardTransport(card)));
        return new StationTap(read, clock.Elapsed);
    }

    public void Dispose()
    {
    }
}
