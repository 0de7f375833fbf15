namespace Validator.Pcsc.Interop;

/// <summary>
/// The one seam over the native PC/SC calls. Everything above it is platform-free and can be driven by a
/// scripted implementation in tests; <see cref="LinuxPcscApi"/> is the production one.
/// </summary>
internal interface IPcscApi
{
    SCardError EstablishContext(out nint context);

    SCardError ReleaseContext(nint context);

    SCardError IsValidContext(nint context);

    /// <summary>Lists reader names; no readers is success with an empty list, not an error.</summary>
    SCardError ListReaders(nint context, out IReadOnlyList<string> readers);

    /// <summary>Waits until a state differs from <see cref="ReaderStateEntry.CurrentState"/>; null timeout waits forever.</summary>
    SCardError GetStatusChange(nint context, TimeSpan? timeout, ReaderStateEntry[] states);

    /// <summary>Makes a blocked <see cref="GetStatusChange"/> on <paramref name="context"/> return SCARD_E_CANCELLED; callable from any thread.</summary>
    SCardError Cancel(nint context);

    SCardError Connect(nint context, string reader, out nint card, out uint protocol);

    SCardError Transmit(nint card, uint protocol, ReadOnlySpan<byte> command, Span<byte> response, out int received);

    SCardError Disconnect(nint card, uint disposition);

    SCardError GetAttribute(nint card, uint attribute, out byte[] value);
}

/// <summary>One reader's state for <see cref="IPcscApi.GetStatusChange"/>: what we know going in, what changed coming out.</summary>
internal sealed class ReaderStateEntry
{
    public ReaderStateEntry(string name, uint currentState)
    {
        Name = name;
        CurrentState = currentState;
    }

    public string Name { get; }

    public uint CurrentState { get; set; }

    public uint EventState { get; set; }

    public byte[] Atr { get; set; } = [];

    public ReaderState EventFlags => (ReaderState)(EventState & 0xFFFF);

    /// <summary>pcsc-lite counts card insertions and removals in the upper 16 bits of the event state.</summary>
    public int EventCounter => (int)(EventState >> 16);
}
