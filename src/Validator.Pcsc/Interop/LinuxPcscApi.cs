using System.Runtime.InteropServices;
using System.Text;

namespace Validator.Pcsc.Interop;

/// <summary>The PC/SC seam over libpcsclite.so.1.</summary>
internal sealed unsafe class LinuxPcscApi : IPcscApi
{
    public static LinuxPcscApi Instance { get; } = new();

    public SCardError EstablishContext(out nint context) =>
        SCardErrors.FromNative(NativeMethods.SCardEstablishContext(new CULong(PcscConstants.ScopeSystem), 0, 0, out context).Value);

    public SCardError ReleaseContext(nint context) =>
        SCardErrors.FromNative(NativeMethods.SCardReleaseContext(context).Value);

    public SCardError IsValidContext(nint context) =>
        SCardErrors.FromNative(NativeMethods.SCardIsValidContext(context).Value);

    public SCardError ListReaders(nint context, out IReadOnlyList<string> readers)
    {
        readers = [];
        CULong length = default;
        var rv = SCardErrors.FromNative(NativeMethods.SCardListReaders(context, null, null, &length).Value);
        if (rv == SCardError.SCARD_E_NO_READERS_AVAILABLE) return SCardError.SCARD_S_SUCCESS;
        if (rv != SCardError.SCARD_S_SUCCESS) return rv;

        // A reader may be added between the two calls; the second call then reports a short buffer and we retry.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var buffer = new byte[checked((int)length.Value)];
            fixed (byte* p = buffer)
            {
                rv = SCardErrors.FromNative(NativeMethods.SCardListReaders(context, null, p, &length).Value);
            }
            if (rv == SCardError.SCARD_E_NO_READERS_AVAILABLE) return SCardError.SCARD_S_SUCCESS;
            if (rv == SCardError.SCARD_E_INSUFFICIENT_BUFFER) continue;
            if (rv != SCardError.SCARD_S_SUCCESS) return rv;
            readers = ParseMultiString(buffer.AsSpan(0, (int)length.Value));
            return rv;
        }
        return rv;
    }

    internal static List<string> ParseMultiString(ReadOnlySpan<byte> multi)
    {
        var names = new List<string>();
        while (!multi.IsEmpty)
        {
            var end = multi.IndexOf((byte)0);
            if (end <= 0) break;
            names.Add(Encoding.UTF8.GetString(multi[..end]));
            multi = multi[(end + 1)..];
        }
        return names;
    }

    public SCardError GetStatusChange(nint context, TimeSpan? timeout, ReaderStateEntry[] states)
    {
        var native = new ScardReaderState[states.Length];
        var names = new nint[states.Length];
        try
        {
            for (var i = 0; i < states.Length; i++)
            {
                names[i] = Marshal.StringToCoTaskMemUTF8(states[i].Name);
                native[i].Reader = names[i];
                native[i].CurrentState = new CULong(states[i].CurrentState);
            }
            var ms = timeout is null ? PcscConstants.Infinite : (uint)Math.Clamp(timeout.Value.TotalMilliseconds, 0, uint.MaxValue - 1);
            SCardError rv;
            fixed (ScardReaderState* p = native)
            {
                rv = SCardErrors.FromNative(NativeMethods.SCardGetStatusChange(context, new CULong(ms), p, new CULong((uint)states.Length)).Value);
            }
            for (var i = 0; i < states.Length; i++)
            {
                states[i].EventState = (uint)native[i].EventState.Value;
                var atrLength = (int)Math.Min(native[i].AtrLength.Value, (nuint)ScardReaderState.MaxAtrSize);
                fixed (byte* atr = native[i].Atr)
                {
                    states[i].Atr = new ReadOnlySpan<byte>(atr, atrLength).ToArray();
                }
            }
            return rv;
        }
        finally
        {
            foreach (var name in names)
            {
                if (name != 0) Marshal.FreeCoTaskMem(name);
            }
        }
    }

    public SCardError Cancel(nint context) =>
        SCardErrors.FromNative(NativeMethods.SCardCancel(context).Value);

    public SCardError Connect(nint context, string reader, out nint card, out uint protocol)
    {
        var name = Marshal.StringToCoTaskMemUTF8(reader);
        try
        {
            var rv = NativeMethods.SCardConnect(context, (byte*)name, new CULong(PcscConstants.ShareShared),
                new CULong(PcscConstants.ProtocolT0 | PcscConstants.ProtocolT1), out card, out var active);
            protocol = (uint)active.Value;
            return SCardErrors.FromNative(rv.Value);
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    public SCardError Transmit(nint card, uint protocol, ReadOnlySpan<byte> command, Span<byte> response, out int received)
    {
        var pci = new ScardIoRequest { Protocol = new CULong(protocol), PciLength = new CULong((uint)sizeof(ScardIoRequest)) };
        CULong length = new((uint)response.Length);
        SCardError rv;
        fixed (byte* send = command)
        fixed (byte* recv = response)
        {
            rv = SCardErrors.FromNative(NativeMethods.SCardTransmit(card, &pci, send, new CULong((uint)command.Length), null, recv, &length).Value);
        }
        received = rv == SCardError.SCARD_S_SUCCESS ? (int)Math.Min(length.Value, (nuint)response.Length) : 0;
        return rv;
    }

    public SCardError Disconnect(nint card, uint disposition) =>
        SCardErrors.FromNative(NativeMethods.SCardDisconnect(card, new CULong(disposition)).Value);

    public SCardError GetAttribute(nint card, uint attribute, out byte[] value)
    {
        value = [];
        CULong length = default;
        var rv = SCardErrors.FromNative(NativeMethods.SCardGetAttrib(card, new CULong(attribute), null, &length).Value);
        if (rv != SCardError.SCARD_S_SUCCESS) return rv;
        var buffer = new byte[checked((int)length.Value)];
        fixed (byte* p = buffer)
        {
            rv = SCardErrors.FromNative(NativeMethods.SCardGetAttrib(card, new CULong(attribute), p, &length).Value);
        }
        if (rv == SCardError.SCARD_S_SUCCESS) value = buffer.AsSpan(0, (int)length.Value).ToArray();
        return rv;
    }
}
