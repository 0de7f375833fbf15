using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Validator.Simulation.Vpcd;

namespace Validator.Pcsc.Tests;

/// <summary>
/// The virtual card's side of the vpcd wire, against a loopback stand-in for vpcd (no pcscd needed): it answers on its
/// own thread with blocking receives, so a bench's tap storm measures the validator, not the card's thread hand-offs.
/// </summary>
[TestFixture]
public sealed class VirtualCard_wire
{
    [Test]
    public void Answers_every_APDU_on_a_blocking_socket()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), new VpcdOptions { Port = port });

        var accepting = Task.Run(() =>
        {
            var vpcd = listener.Accept();
            Frame(vpcd, [4]); // vpcd asks for the ATR first: that is what "inserted" means
            return (vpcd, Atr: Read(vpcd));
        });
        card.Insert();
        Assert.That(accepting.Wait(TimeSpan.FromSeconds(10)), Is.True, "the stand-in never got the card");
        using var wire = accepting.Result.vpcd;
        Assert.That(accepting.Result.Atr, Is.EqualTo(TestCards.MifareAtr));

        const int apdus = 300;
        for (var i = 0; i < apdus; i++)
        {
            Frame(wire, [0x00, 0xB0, (byte)i, 0x00, 0x02]);
            Assert.That(Read(wire), Is.EqualTo(new byte[] { 0x02, 0x00, (byte)i, 0xB0, 0x00, 0x90, 0x00 }));
        }
        Assert.That(card.ApduCount, Is.EqualTo(apdus));

        // Had anything asynchronous (a ConnectAsync, a managed timeout) touched the card's socket, .NET on Linux would have
        // made its handle non-blocking for good and would run every receive through its socket event loop and the thread
        // pool. The kernel's view of the card's end of this connection says which it is.
        var cardPort = ((IPEndPoint)wire.RemoteEndPoint!).Port;
        Assert.That(OpenFileFlags(cardPort, port) & ONonBlock, Is.Zero, "the virtual card's socket is non-blocking");
    }

    private const int ONonBlock = 0x800; // O_NONBLOCK (04000) on Linux x64 and arm64

    /// <summary>The open-file flags of this process's TCP socket from <paramref name="localPort"/> to <paramref name="remotePort"/>.</summary>
    private static int OpenFileFlags(int localPort, int remotePort)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("reads /proc: Linux only");
        string? inode = null;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (Convert.ToInt32(f[1].Split(':')[1], 16) == localPort && Convert.ToInt32(f[2].Split(':')[1], 16) == remotePort) inode = f[9];
        }
        Assert.That(inode, Is.Not.Null, $"no TCP socket {localPort} -> {remotePort} in /proc/net/tcp");
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed by another thread while listing
            }
            if (target != $"socket:[{inode}]") continue;
            var flags = File.ReadLines($"/proc/self/fdinfo/{Path.GetFileName(fd)}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
            return Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
        }
        Assert.Fail($"socket inode {inode} is not open in this process");
        return 0;
    }

    [Test]
    public void Inserting_where_no_vpcd_listens_fails_at_once_with_the_refusal()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port; // bound, never listening: a connection to it is refused
            using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), new VpcdOptions { Port = port, ConnectTimeout = TimeSpan.FromSeconds(30) });
            var started = System.Diagnostics.Stopwatch.StartNew();
            var refused = Assert.Throws<SocketException>(card.Insert)!;
            Assert.That(refused.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
            Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "a refusal must not wait for the connect timeout");
            Assert.That(card.IsInserted, Is.False);
        }
    }

    [Test]
    public void Inserting_where_vpcd_takes_no_connection_gives_up_after_the_connect_timeout()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0); // never accepts; Linux queues one connection at backlog 0 and drops the handshake of any more
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.Connect(IPAddress.Loopback, port); // takes the one place in the queue
        using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), new VpcdOptions { Port = port, ConnectTimeout = TimeSpan.FromSeconds(1) });

        var started = System.Diagnostics.Stopwatch.StartNew();
        var timedOut = Assert.Throws<TimeoutException>(card.Insert)!;

        Assert.That(timedOut.Message, Does.Contain("no TCP connection"), "the connect itself must time out, not the wait for vpcd's first frame");
        Assert.That(started.Elapsed, Is.InRange(TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5)));
        Assert.That(card.IsInserted, Is.False);
    }

    private static void Frame(Socket socket, byte[] payload)
    {
        var frame = new byte[payload.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)payload.Length);
        payload.CopyTo(frame, 2);
        socket.Send(frame);
    }

    private static byte[] Read(Socket socket)
    {
        var header = Exactly(socket, 2);
        return Exactly(socket, BinaryPrimitives.ReadUInt16BigEndian(header));
    }

    private static byte[] Exactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var n = socket.Receive(buffer, read, count - read, SocketFlags.None);
            if (n == 0) throw new EndOfStreamException("the virtual card closed the connection");
            read += n;
        }
        return buffer;
    }
}
