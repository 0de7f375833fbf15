namespace Validator.Core.Cards;

/// <summary>Why an exchange with a card did not produce an answer.</summary>
public enum CardFault
{
    /// <summary>No fault: the card answered.</summary>
    None = 0,

    /// <summary>The card left the field (SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD).</summary>
    CardRemoved,

    /// <summary>The card did not answer within the per-APDU timeout.</summary>
    Timeout,

    /// <summary>The reader went away or cannot be used (unplugged, SCARD_E_READER_UNAVAILABLE).</summary>
    ReaderUnavailable,

    /// <summary>The PC/SC service is not running or was restarted (SCARD_E_NO_SERVICE).</summary>
    ServiceUnavailable,

    /// <summary>The exchange broke at the transport level (SCARD_E_NOT_TRANSACTED, SCARD_F_COMM_ERROR).</summary>
    TransmissionFailed,

    /// <summary>The card answered with bytes that are not a response APDU (fewer than 2 bytes, endless 61xx).</summary>
    MalformedResponse,
}
