using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Demo;

/// <summary>Where the demo taps its virtual cards: a real reader stack (pcscd + vpcd) or an in-process channel.</summary>
internal interface ITapStation : IDisposable
{
    /// <summary>Says which stack taps go through, for the demo's header.</summary>
    string Description { get; }

    /// <summary>Puts <paramref name="card"/> on the reader, reads it as a tap would, takes it off.</summary>
    StationTap Tap(ICardModel card);
}

/// <summary>One tap as the station saw it: the read result, the time from card-present to read done.</summary>
internal sealed record StationTap(CardReadResult Read, TimeSpan ReadTime);
