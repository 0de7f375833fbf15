namespace Validator.Core.Cards;

/// <summary>The three outcomes of reading a tapped card.</summary>
public enum CardReadOutcome
{
    /// <summary>The card was read and has an identity.</summary>
    Identified,

    /// <summary>The card answered properly but carries nothing this validator accepts.</summary>
    NotSupported,

    /// <summary>The read did not complete (card pulled, timeout, malformed answer): the student should tap again.</summary>
    ReadFailed,
}

/// <summary>Why a read ended without an identity; stable names used by feedback and upstream records.</summary>
public enum CardReadReason
{
    /// <summary>The card was identified.</summary>
    None,

    /// <summary>No supported payment application on the card.</summary>
    NoSupportedApplication,

    /// <summary>Neither an EMV application nor a readable UID.</summary>
    UnknownCard,

    /// <summary>The card left the field during the read.</summary>
    CardRemoved,

    /// <summary>The card stopped answering.</summary>
    Timeout,

    /// <summary>The card's answer could not be parsed or broke the protocol.</summary>
    MalformedAnswer,

    /// <summary>The reader or the PC/SC service failed during the read.</summary>
    ReaderFault,
}

/// <summary>The result of one card read: an identity, or the reason there is none.</summary>
public sealed record CardReadResult
{
    /// <summary>Identified, not supported or read failed.</summary>
    public required CardReadOutcome Outcome { get; init; }

    /// <summary>The identity when <see cref="Outcome"/> is Identified.</summary>
    public CardIdentity? Identity { get; init; }

    /// <summary>Why there is no identity; None when identified.</summary>
    public CardReadReason Reason { get; init; }

    /// <summary>A short technical detail for logs (status word, SCARD code). Never card data.</summary>
    public string? Detail { get; init; }

    /// <summary>Command APDUs sent during the read.</summary>
    public int ApduCount { get; init; }
}
