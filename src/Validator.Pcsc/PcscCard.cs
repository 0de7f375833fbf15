using System.Buffers;
using Validator.Core.Cards;
using Validator.Pcsc.Interop;

namespace Validator.Pcsc;

/// <summary>
/// A connected card on a PC/SC reader: the raw transport a <see cref="IsoCardChannel"/> is built on. One thread uses a
/// card at a time (the tap loop): its calls and buffers are reused from one APDU to the next.
/// </summary>
public sealed class PcscCard : ICardTransport, IDisposable
{
    private const int ReceiveSize = 264; // pcsc-lite's buffer for an answer (a short answer is at most 258 bytes)
    private const int ShortCommandSize = 261; // a short APDU at its longest: header, Lc, 255 bytes, Le

    private readonly IPcscApi _api;
    private readonly PcscWorker _worker;
    private readonly nint _handle;
    private readonly uint _protocol;
    private readonly TimeSpan _apduTimeout;
    // Buffers from the shared pool, given back when the card is disposed (a tap is one card: a fresh pair of buffers
    // per tap would be half a kilobyte of garbage). Not given back while the worker may still be inside a call.
    private readonly byte[] _receive = ArrayPool<byte>.Shared.Rent(ReceiveSize);
    private readonly byte[] _pooledSend = ArrayPool<byte>.Shared.Rent(ShortCommandSize);
    private readonly CardCall _call;
    private byte[] _send;
    private byte[]? _atr;
    private bool _dead;
    private int _disposed; // 1 once disposed

    internal PcscCard(IPcscApi api, PcscWorker worker, nint handle, uint protocol, string readerName, byte[]? atr, TimeSpan apduTimeout)
    {
        _api = api;
        _worker = worker;
        _handle = handle;
        _protocol = protocol;
        _apduTimeout = apduTimeout;
        _atr = atr is { Length: > 0 } ? atr : null;
        ReaderName = readerName;
        _call = new CardCall(this);
        _send = _pooledSend;
    }

    /// <summary>The card's pooled buffers, for tests: they must not go back to the pool while a call may still use them.</summary>
    internal (byte[] Send, byte[] Receive) PooledBuffers => (_pooledSend, _receive);

    /// <summary>The reader this card is on.</summary>
    public string ReaderName { get; }

    /// <summary>The protocol pcscd negotiated: 1 = T=0, 2 = T=1.</summary>
    public int Protocol => (int)_protocol;

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Atr => _atr ??= ReadAtr();

    /// <inheritdoc />
    public TransportResult Exchange(ReadOnlySpan<byte> command, Span<byte> response)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_dead) return TransportResult.Failed(CardFault.Timeout, "an earlier APDU timed out; the card session is abandoned");

        // The command goes through buffers of the card's own, reused: an APDU allocates nothing on its way to pcscd.
        // After a timeout the worker may still be inside SCardTransmit with them, but then the session is dead.
        if (command.Length > _send.Length) _send = new byte[command.Length];
        command.CopyTo(_send);
        _call.Length = command.Length;
        var ran = _worker.TryRun(_call, _apduTimeout, out var rv);
        var received = _call.Received;
        if (!ran)
        {
            _dead = true;
            return TransportResult.Failed(CardFault.Timeout, $"no answer within {_apduTimeout.TotalMilliseconds:F0} ms");
        }
        if (rv != SCardError.SCARD_S_SUCCESS)
        {
            return TransportResult.Failed(SCardErrors.ToCardFault(rv), $"SCardTransmit: {SCardErrors.Name(rv)}");
        }
        if (received == 0)
        {
            // A card cannot answer with nothing at all: pcsc-lite reports success with no bytes when the card
            // vanished mid-exchange (vpcd does this; CCID readers report SCARD_W_REMOVED_CARD instead).
            return TransportResult.Failed(CardFault.CardRemoved, "SCardTransmit: no bytes returned (card left the field)");
        }
        if (received > response.Length)
        {
            return TransportResult.Failed(CardFault.MalformedResponse, $"answer of {received} bytes exceeds the buffer");
        }
        _receive.AsSpan(0, received).CopyTo(response);
        return TransportResult.Ok(received);
    }

    /// <summary>Reads a reader or card attribute (SCardGetAttrib), e.g. 0x00010100 for the vendor name.</summary>
    public bool TryGetAttribute(uint attribute, out byte[] value)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        byte[] read = [];
        var ran = _worker.TryRun(_ => _api.GetAttribute(_handle, attribute, out read), _apduTimeout, out var rv);
        value = read;
        return ran && rv == SCardError.SCARD_S_SUCCESS;
    }

    private byte[] ReadAtr() =>
        TryGetAttribute(PcscConstants.AttrAtrString, out var atr) ? atr : [];

    /// <summary>Disconnects, leaving the card powered for the next reader of it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return; // a second Dispose must not give the buffers back twice
        if (_worker.IsStuck) return;
        _call.Disconnect = true;
        _worker.TryRun(_call, _apduTimeout, out _);
        if (_worker.IsStuck) return;
        // No call of this card can be running now: every one returned in time. Cleared, as the answers hold card data.
        ArrayPool<byte>.Shared.Return(_pooledSend, clearArray: true);
        ArrayPool<byte>.Shared.Return(_receive, clearArray: true);
    }

    /// <summary>The card's calls to pcscd: an APDU (SCardTransmit of the send buffer into the receive buffer) or the disconnect.</summary>
    private sealed class CardCall(PcscCard card) : PcscCall
    {
        public bool Disconnect;
        public int Length;
        public int Received;

        public override SCardError Run(nint context)
        {
            Received = 0;
            return Disconnect
                ? card._api.Disconnect(card._handle, PcscConstants.LeaveCard)
                : card._api.Transmit(card._handle, card._protocol, card._send.AsSpan(0, Length), card._receive.AsSpan(0, ReceiveSize), out Received);
        }
    }
}
