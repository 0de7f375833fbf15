namespace Validator.Core.Cards;

/// <summary>
/// Raw exchanges with a card, below ISO 7816-4 chaining: bytes in, bytes out.
/// A PC/SC card handle or an in-process card model implements this; <see cref="IsoCardChannel"/> builds a channel on it.
/// </summary>
public interface ICardTransport
{
    /// <summary>The answer to reset of the connected card.</summary>
    ReadOnlyMemory<byte> Atr { get; }

    /// <summary>Sends raw bytes and writes the raw answer into <paramref name="response"/>.</summary>
    /// <returns>The number of bytes written, or the fault.</returns>
    TransportResult Exchange(ReadOnlySpan<byte> command, Span<byte> response);
}

/// <summary>The outcome of one raw exchange: a length or a fault.</summary>
/// <param name="Length">Bytes written into the response buffer when <paramref name="Fault"/> is None.</param>
/// <param name="Fault">What went wrong, or None.</param>
/// <param name="Detail">A short technical explanation of the fault.</param>
public readonly record struct TransportResult(int Length, CardFault Fault, string? Detail)
{
    /// <summary>A successful exchange of <paramref name="length"/> bytes.</summary>
    public static TransportResult Ok(int length) => new(length, CardFault.None, null);

    /// <summary>A failed exchange.</summary>
    public static TransportResult Failed(CardFault fault, string? detail) => new(0, fault, detail);
}
