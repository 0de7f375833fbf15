using Validator.Core.Cards;
using Validator.Pcsc.Interop;

namespace Validator.Pcsc;

/// <summary>
/// Connects to cards on PC/SC readers. Card calls run on a worker thread with a context of its own, so a card
/// that never answers costs a timeout, not a hung tap; a stuck worker is replaced for the next card.
/// One thread connects (the tap loop): the connect call is kept and filled in for each card.
/// </summary>
public sealed class PcscCardConnector : IDisposable
{
    private readonly IPcscApi _api;
    private readonly PcscCardOptions _options;
    private PcscWorker _worker;
    private ConnectCall _connect;
    private int _generation;

    /// <summary>Creates a connector on the machine's pcscd.</summary>
    public PcscCardConnector(PcscCardOptions? options = null)
        : this(LinuxPcscApi.Instance, options ?? new PcscCardOptions())
    {
    }

    internal PcscCardConnector(IPcscApi api, PcscCardOptions options)
    {
        _api = api;
        _options = options;
        _worker = NewWorker();
        _connect = new ConnectCall(api);
    }

    /// <summary>Connects (shared, T=0 or T=1) to the card on <paramref name="readerName"/>.</summary>
    /// <param name="readerName">The reader, as the monitor reported it.</param>
    /// <param name="atr">The ATR from the card-present event, if known (saves a round trip).</param>
    /// <param name="card">The connected card, when true.</param>
    /// <param name="fault">Why there is no card, when false.</param>
    /// <param name="detail">The SCARD code name or timeout, when false.</param>
    public bool TryConnect(string readerName, byte[]? atr, out PcscCard? card, out CardFault fault, out string? detail)
    {
        ArgumentNullException.ThrowIfNull(readerName);
        card = null;
        if (_worker.IsStuck)
        {
            _worker.Dispose();
            _worker = NewWorker();
        }

        _connect.Reader = readerName;
        var ran = _worker.TryRun(_connect, _options.ConnectTimeout, out var rv);
        var (handle, protocol) = (_connect.Handle, _connect.Protocol);
        if (!ran)
        {
            _connect = new ConnectCall(_api); // the stuck worker may still write into the old one
            fault = CardFault.Timeout;
            detail = $"SCardConnect did not return within {_options.ConnectTimeout.TotalMilliseconds:F0} ms";
            return false;
        }
        if (rv != SCardError.SCARD_S_SUCCESS)
        {
            fault = SCardErrors.ToCardFault(rv);
            detail = $"SCardConnect: {SCardErrors.Name(rv)}";
            return false;
        }
        card = new PcscCard(_api, _worker, handle, protocol, readerName, atr, _options.ApduTimeout);
        fault = CardFault.None;
        detail = null;
        return true;
    }

    private PcscWorker NewWorker() => new(_api, $"pcsc-card-{Interlocked.Increment(ref _generation)}");

    /// <inheritdoc />
    public void Dispose() => _worker.Dispose();

    /// <summary>SCardConnect, shared, T=0 or T=1; one kept for every card of the connector.</summary>
    private sealed class ConnectCall(IPcscApi api) : PcscCall
    {
        public string Reader = "";
        public nint Handle;
        public uint Protocol;

        public override SCardError Run(nint context)
        {
            (Handle, Protocol) = (0, 0);
            return api.Connect(context, Reader, out Handle, out Protocol);
        }
    }
}
