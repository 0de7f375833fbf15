using Validator.Core.Cards;
using Validator.Core.Taps;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Demo;

/// <summary>Taps without any reader stack: the card model answers in process. Used where pcscd or vpcd is missing.</summary>
internal sealed class InProcessTapStation : ITapStation
{
    public string Description => "an in-process virtual reader (install pcscd and vsmartcard-vpcd to tap through the real PC/SC stack)";

    public StationTap Tap(ICardModel card, TapProcessor processor)
    {
        var result = processor.Process(new IsoCardChannel(new SimulatedCardTransport(card)));
        return new StationTap(result, result.Timings.Total);
    }

    public void Dispose()
    {
    }
}
