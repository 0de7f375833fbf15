using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Validator.Simulation.Cards;

namespace Validator.Simulation.Vpcd;

/// <summary>
/// A virtual card in pcscd's vpcd reader: while inserted it holds a TCP connection to vpcd and answers its
/// frames (2-byte big-endian length, then payload; a 1-byte payload is a control message) from a card model.
/// Closing the connection takes the card out of the reader.
/// </summary>
public sealed class VpcdCard : IDisposable
{
    // vpcd control messages (vsmartcard vpcd.h).
    private const byte PowerOff = 0;
    private const byte PowerOn = 1;
    private const byte Reset = 2;
    private const byte GetAtr = 4;

    // Linux TCP_QUICKACK: the kernel clears it after each ACK, so it is set again before every receive;
    // without it each APDU waits ~40 ms for a delayed ACK and pcscd may report SCARD_E_NOT_TRANSACTED.
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private const int SolSocket = 1;
    private const int SoSndTimeo = 21;

    private readonly ICardModel _card;
    private readonly VpcdOptions _options;
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _accepted = new(false);
    private Socket? _socket;
    private Thread? _thread;
    private int _apdus;

    /// <summary>Creates a virtual card with the behaviour of <paramref name="card"/>; it is not inserted yet.</summary>
    public VpcdCard(ICardModel card, VpcdOptions? options = null)
    {
        _card = card ?? throw new ArgumentNullException(nameof(card));
        _options = options ?? new VpcdOptions();
    }

    /// <summary>Raised on the card's thread after each command APDU was answered (or deliberately not).</summary>
    public event EventHandler? CommandProcessed;

    /// <summary>Raised when the connection ends, by <see cref="Remove"/>, by the model or because pcscd went away.</summary>
    public event EventHandler? Disconnected;

    /// <summary>True while the card holds its connection to vpcd.</summary>
    public bool IsInserted
    {
        get { lock (_gate) return _socket is not null; }
    }

    /// <summary>Command APDUs received since creation (control messages not counted).</summary>
    public int ApduCount => Volatile.Read(ref _apdus);

    /// <summary>
    /// Puts the card on the reader and returns once vpcd has taken it. Throws <see cref="SocketException"/> when vpcd
    /// is not listening and <see cref="TimeoutException"/> when it does not take the card in time.
    /// </summary>
    public void Insert()
    {
        lock (_gate)
        {
            if (_socket is not null) throw new InvalidOperationException("The card is already inserted.");
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                Connect(socket, _options.Host, _options.Port, _options.ConnectTimeout);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            _socket = socket;
            _accepted.Reset();
            _thread = new Thread(() => Serve(socket)) { IsBackground = true, Name = $"vpcd-card-{_options.Port}" };
            _thread.Start();
        }

        // vpcd listens with a backlog of 0 and accepts a card only when it polls the slot and finds it free, so
        // TCP connecting is not yet being in the reader: the first frame (an ATR request) is.
        if (!_accepted.Wait(_options.ConnectTimeout))
        {
            Remove();
            throw new TimeoutException($"vpcd on port {_options.Port} did not take the card within {_options.ConnectTimeout.TotalSeconds:F0} s; is another card still in that slot?");
        }
    }

    /// <summary>Takes the card off the reader and waits until its connection is closed.</summary>
    public void Remove()
    {
        Thread? thread;
        lock (_gate)
        {
            thread = _thread;
            Close();
        }
        if (thread is not null && thread != Thread.CurrentThread) thread.Join();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Remove();
        _accepted.Dispose();
    }

    private void Close()
    {
        if (_socket is null) return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone (pcscd stopped); closing below is all that is left to do.
        }
        _socket.Dispose();
        _socket = null;
        _thread = null;
    }

    private void Serve(Socket socket)
    {
        var header = new byte[2];
        var payload = new byte[65536];
        try
        {
            while (true)
            {
                if (!ReceiveExactly(socket, header)) break;
                var length = BinaryPrimitives.ReadUInt16BigEndian(header);
                if (!ReceiveExactly(socket, payload.AsSpan(0, length))) break;
                _accepted.Set();
                if (!Answer(socket, payload.AsSpan(0, length))) break;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Removed by the test or pcscd stopped: either way the card is out of the reader.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A card model that throws behaves like a card that breaks: it leaves the reader, the host lives on.
            System.Diagnostics.Trace.TraceWarning($"virtual card model failed: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_socket, socket)) Close();
            }
            Disconnected?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Handles one frame; false when the card leaves the reader.</summary>
    private bool Answer(Socket socket, ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty) return true;
        if (frame.Length == 1)
        {
            switch (frame[0])
            {
                case PowerOn:
                case Reset:
                    _card.Reset();
                    return true;
                case GetAtr:
                    Send(socket, _card.Atr);
                    return true;
                case PowerOff:
                default:
                    return true;
            }
        }

        Interlocked.Increment(ref _apdus);
        var reply = _card.Process(frame);
        try
        {
            switch (reply.Kind)
            {
                case CardReplyKind.Removed:
                    return false;
                case CardReplyKind.Silence:
                    return true;
                default:
                    if (_options.ApduDelay > TimeSpan.Zero) Thread.Sleep(_options.ApduDelay); // imitates radio time on purpose
                    Send(socket, reply.Bytes);
                    return true;
            }
        }
        finally
        {
            CommandProcessed?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>
    /// Connects within <paramref name="timeout"/> and leaves the socket blocking. Nothing asynchronous, not even a
    /// non-blocking connect, may touch it: .NET on Linux then keeps the handle non-blocking for good and runs every later
    /// receive through its socket event loop and the thread pool, hand-offs whose spinning took a quarter of this
    /// machine's two CPUs in a tap storm. A blocking connect honours SO_SNDTIMEO on Linux, set here directly (the
    /// managed <see cref="Socket.SendTimeout"/> would be emulated with that same event loop).
    /// </summary>
    private static void Connect(Socket socket, string host, int port, TimeSpan timeout)
    {
        if (!OperatingSystem.IsLinux())
        {
            using var cts = new CancellationTokenSource(timeout);
            socket.ConnectAsync(host, port, cts.Token).AsTask().GetAwaiter().GetResult();
            return;
        }
        var address = IPAddress.TryParse(host, out var parsed)
            ? parsed
            : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the connect timeout must be positive or infinite");
        socket.SetRawSocketOption(SolSocket, SoSndTimeo, TimeVal(timeout));
        try
        {
            socket.Connect(address, port);
        }
        // TimedOut: SO_SNDTIMEO ran out (EINPROGRESS). AlreadyInProgress: a signal interrupted the connect and the retry
        // found it still pending, which is the same wait running out.
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.InProgress or SocketError.WouldBlock or SocketError.AlreadyInProgress)
        {
            throw new TimeoutException($"no TCP connection to vpcd at {host}:{port} within {timeout.TotalSeconds:F0} s", ex);
        }
        socket.SetRawSocketOption(SolSocket, SoSndTimeo, TimeVal(TimeSpan.Zero)); // sends wait as long as they need
    }

    // struct timeval of SO_SNDTIMEO (the kernel's old timeval: two native longs). 0/0 is "no timeout": used for an
    // infinite span and to clear the option; any finite span waits at least 1 µs, so it never becomes "no timeout".
    private static byte[] TimeVal(TimeSpan span)
    {
        var bytes = new byte[2 * IntPtr.Size];
        if (span == Timeout.InfiniteTimeSpan || span == TimeSpan.Zero) return bytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero);
        if (span < TimeSpan.FromMicroseconds(1)) span = TimeSpan.FromMicroseconds(1);
        var seconds = (long)span.TotalSeconds;
        var micros = (long)Math.Ceiling((span - TimeSpan.FromSeconds(seconds)).TotalMicroseconds);
        if (micros >= 1_000_000)
        {
            seconds++;
            micros -= 1_000_000;
        }
        if (IntPtr.Size == 8)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), seconds);
            BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), micros);
        }
        else
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), (int)seconds);
            BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), (int)micros);
        }
        return bytes;
    }

    private static void Send(Socket socket, ReadOnlySpan<byte> data)
    {
        Span<byte> frame = data.Length <= 512 ? stackalloc byte[data.Length + 2] : new byte[data.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)data.Length);
        data.CopyTo(frame[2..]);
        socket.Send(frame);
    }

    private static bool ReceiveExactly(Socket socket, Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, [1, 0, 0, 0]);
            var n = socket.Receive(buffer[read..]);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
