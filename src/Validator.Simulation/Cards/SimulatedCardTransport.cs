using Validator.Core.Cards;

namespace Validator.Simulation.Cards;

/// <summary>An in-process transport to a card model: no reader, no pcscd. Used by unit tests and by the demo without pcscd.</summary>
public sealed class SimulatedCardTransport : ICardTransport
{
    private readonly ICardModel _card;
    private bool _removed;

    /// <summary>Powers <paramref name="card"/> and connects to it.</summary>
    public SimulatedCardTransport(ICardModel card)
    {
        _card = card ?? throw new ArgumentNullException(nameof(card));
        _card.Reset();
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Atr => _card.Atr;

    /// <inheritdoc />
    public TransportResult Exchange(ReadOnlySpan<byte> command, Span<byte> response)
    {
        if (_removed) return TransportResult.Failed(CardFault.CardRemoved, "card removed");
        var reply = _card.Process(command);
        switch (reply.Kind)
        {
            case CardReplyKind.Silence:
                return TransportResult.Failed(CardFault.Timeout, "card did not answer");
            case CardReplyKind.Removed:
                _removed = true;
                return TransportResult.Failed(CardFault.CardRemoved, "card removed");
            default:
                if (reply.Bytes.Length > response.Length)
                {
                    return TransportResult.Failed(CardFault.MalformedResponse, $"answer of {reply.Bytes.Length} bytes exceeds the buffer");
                }
                reply.Bytes.CopyTo(response);
                return TransportResult.Ok(reply.Bytes.Length);
        }
    }
}
