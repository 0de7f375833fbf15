namespace Validator.Pcsc;

/// <summary>A reader appeared or went away.</summary>
public sealed class ReaderEventArgs : EventArgs
{
    /// <summary>Creates the event for <paramref name="readerName"/>.</summary>
    public ReaderEventArgs(string readerName) => ReaderName = readerName;

    /// <summary>The PC/SC reader name, e.g. "ACS ACR122U PICC Interface 00 00".</summary>
    public string ReaderName { get; }
}

/// <summary>A card was put on or taken off a reader.</summary>
public sealed class CardEventArgs : EventArgs
{
    /// <summary>Creates the event.</summary>
    public CardEventArgs(string readerName, byte[] atr, bool isMute, long timestamp)
    {
        ReaderName = readerName;
        Atr = atr;
        IsMute = isMute;
        Timestamp = timestamp;
    }

    /// <summary>The reader the card is on.</summary>
    public string ReaderName { get; }

    /// <summary>The card's ATR (a pseudo-ATR for contactless cards); empty on removal.</summary>
    public byte[] Atr { get; }

    /// <summary>True when a card is in the field but did not answer the reset (SCARD_STATE_MUTE).</summary>
    public bool IsMute { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the monitor saw the change; the start of a tap's latency.</summary>
    public long Timestamp { get; }

    /// <summary>
    /// True when the card was already in the field the first time the monitor looked at the reader (at start-up, after
    /// pcscd came back, or when the reader was plugged in with a card on it): it may have lain there since a tap served
    /// before a crash or restart.
    /// </summary>
    public bool PresentWhenFirstSeen { get; init; }
}

/// <summary>The PC/SC service (pcscd) became reachable or was lost.</summary>
public sealed class ServiceStateEventArgs : EventArgs
{
    /// <summary>Creates the event.</summary>
    public ServiceStateEventArgs(bool available, string? reason)
    {
        Available = available;
        Reason = reason;
    }

    /// <summary>True when the monitor holds a working context.</summary>
    public bool Available { get; }

    /// <summary>Why the service is unavailable (the SCARD code name), when it is.</summary>
    public string? Reason { get; }
}
