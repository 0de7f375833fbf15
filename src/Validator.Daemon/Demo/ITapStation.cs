using Validator.Core.Taps;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Demo;

/// <summary>Where the demo taps its virtual cards: a real reader stack (pcscd + vpcd) or an in-process channel.</summary>
internal interface ITapStation : IDisposable
{
    /// <summary>Says which stack taps go through, for the demo's header.</summary>
    string Description { get; }

    /// <summary>Puts <paramref name="card"/> on the reader, runs the tap path on it, takes it off.</summary>
    StationTap Tap(ICardModel card, TapProcessor processor);
}

/// <summary>One tap as the station saw it, and the time from card-present to the first feedback.</summary>
internal sealed record StationTap(TapResult Result, TimeSpan TapToFeedback);
