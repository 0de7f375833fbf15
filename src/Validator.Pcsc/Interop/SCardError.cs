namespace Validator.Pcsc.Interop;

/// <summary>PC/SC return codes as pcsc-lite defines them (pcsclite.h), named as in the C headers.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Names match pcsclite.h so logs read like the C API.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1028:Enum Storage should be Int32", Justification = "PC/SC codes are 32-bit unsigned.")]
public enum SCardError : uint
{
    /// <summary>No error.</summary>
    SCARD_S_SUCCESS = 0x00000000,
    /// <summary>An internal consistency check failed.</summary>
    SCARD_F_INTERNAL_ERROR = 0x80100001,
    /// <summary>The action was cancelled by SCardCancel.</summary>
    SCARD_E_CANCELLED = 0x80100002,
    /// <summary>The supplied handle was invalid.</summary>
    SCARD_E_INVALID_HANDLE = 0x80100003,
    /// <summary>One or more of the supplied parameters could not be properly interpreted.</summary>
    SCARD_E_INVALID_PARAMETER = 0x80100004,
    /// <summary>Registry startup information is missing or invalid.</summary>
    SCARD_E_INVALID_TARGET = 0x80100005,
    /// <summary>Not enough memory available to complete this command.</summary>
    SCARD_E_NO_MEMORY = 0x80100006,
    /// <summary>An internal consistency timer has expired.</summary>
    SCARD_F_WAITED_TOO_LONG = 0x80100007,
    /// <summary>The data buffer to receive returned data is too small.</summary>
    SCARD_E_INSUFFICIENT_BUFFER = 0x80100008,
    /// <summary>The specified reader name is not recognized.</summary>
    SCARD_E_UNKNOWN_READER = 0x80100009,
    /// <summary>The user-specified timeout value has expired.</summary>
    SCARD_E_TIMEOUT = 0x8010000A,
    /// <summary>The smart card cannot be accessed because of other connections outstanding.</summary>
    SCARD_E_SHARING_VIOLATION = 0x8010000B,
    /// <summary>The operation requires a smart card, but no smart card is currently in the device.</summary>
    SCARD_E_NO_SMARTCARD = 0x8010000C,
    /// <summary>The specified smart card name is not recognized.</summary>
    SCARD_E_UNKNOWN_CARD = 0x8010000D,
    /// <summary>The system could not dispose of the media in the requested manner.</summary>
    SCARD_E_CANT_DISPOSE = 0x8010000E,
    /// <summary>The requested protocols are incompatible with the protocol currently in use with the card.</summary>
    SCARD_E_PROTO_MISMATCH = 0x8010000F,
    /// <summary>The reader or smart card is not ready to accept commands.</summary>
    SCARD_E_NOT_READY = 0x80100010,
    /// <summary>One or more of the supplied parameters values could not be properly interpreted.</summary>
    SCARD_E_INVALID_VALUE = 0x80100011,
    /// <summary>The action was cancelled by the system, presumably to log off or shut down.</summary>
    SCARD_E_SYSTEM_CANCELLED = 0x80100012,
    /// <summary>An internal communications error has been detected.</summary>
    SCARD_F_COMM_ERROR = 0x80100013,
    /// <summary>An internal error has been detected, but the source is unknown.</summary>
    SCARD_F_UNKNOWN_ERROR = 0x80100014,
    /// <summary>An ATR obtained from the registry is not a valid ATR string.</summary>
    SCARD_E_INVALID_ATR = 0x80100015,
    /// <summary>An attempt was made to end a non-existent transaction.</summary>
    SCARD_E_NOT_TRANSACTED = 0x80100016,
    /// <summary>The specified reader is not currently available for use.</summary>
    SCARD_E_READER_UNAVAILABLE = 0x80100017,
    /// <summary>The operation has been aborted to allow the server application to exit.</summary>
    SCARD_P_SHUTDOWN = 0x80100018,
    /// <summary>The PCI Receive buffer was too small.</summary>
    SCARD_E_PCI_TOO_SMALL = 0x80100019,
    /// <summary>The reader driver does not meet minimal requirements for support.</summary>
    SCARD_E_READER_UNSUPPORTED = 0x8010001A,
    /// <summary>The reader driver did not produce a unique reader name.</summary>
    SCARD_E_DUPLICATE_READER = 0x8010001B,
    /// <summary>The smart card does not meet minimal requirements for support.</summary>
    SCARD_E_CARD_UNSUPPORTED = 0x8010001C,
    /// <summary>The smart card resource manager is not running.</summary>
    SCARD_E_NO_SERVICE = 0x8010001D,
    /// <summary>The smart card resource manager has shut down.</summary>
    SCARD_E_SERVICE_STOPPED = 0x8010001E,
    /// <summary>pcsc-lite uses this value for both SCARD_E_UNEXPECTED and SCARD_E_UNSUPPORTED_FEATURE.</summary>
    SCARD_E_UNSUPPORTED_FEATURE = 0x8010001F,
    /// <summary>No smart card reader is available.</summary>
    SCARD_E_NO_READERS_AVAILABLE = 0x8010002E,
    /// <summary>A communications error with the smart card has been detected.</summary>
    SCARD_E_COMM_DATA_LOST = 0x8010002F,
    /// <summary>The smart card resource manager is too busy to complete this operation.</summary>
    SCARD_E_SERVER_TOO_BUSY = 0x80100031,
    /// <summary>The reader cannot communicate with the card, due to ATR string configuration conflicts.</summary>
    SCARD_W_UNSUPPORTED_CARD = 0x80100065,
    /// <summary>The smart card is not responding to a reset.</summary>
    SCARD_W_UNRESPONSIVE_CARD = 0x80100066,
    /// <summary>Power has been removed from the smart card.</summary>
    SCARD_W_UNPOWERED_CARD = 0x80100067,
    /// <summary>The smart card has been reset, so any shared state information is invalid.</summary>
    SCARD_W_RESET_CARD = 0x80100068,
    /// <summary>The smart card has been removed, so further communication is not possible.</summary>
    SCARD_W_REMOVED_CARD = 0x80100069,
}

/// <summary>Names and classification of PC/SC return codes.</summary>
public static class SCardErrors
{
    /// <summary>The C name of a code (e.g. "SCARD_W_REMOVED_CARD"), or its hex value when pcsc-lite added one we do not know.</summary>
    public static string Name(SCardError code) =>
        Enum.IsDefined(code) ? code.ToString() : $"SCARD_0x{(uint)code:X8}";

    /// <summary>Converts a native LONG result to a code; pcsc-lite returns the 32-bit value in a 64-bit long on LP64.</summary>
    public static SCardError FromNative(nint value) => (SCardError)unchecked((uint)value);

    /// <summary>True when the context is dead and must be re-established (pcscd stopped or restarted).</summary>
    public static bool MeansServiceLost(SCardError code) => code is
        SCardError.SCARD_E_NO_SERVICE or SCardError.SCARD_E_SERVICE_STOPPED or
        SCardError.SCARD_E_INVALID_HANDLE or SCardError.SCARD_F_COMM_ERROR or
        SCardError.SCARD_E_NO_MEMORY;

    /// <summary>Maps a code seen during a card exchange to the card fault the reading logic understands.</summary>
    public static Validator.Core.Cards.CardFault ToCardFault(SCardError code) => code switch
    {
        SCardError.SCARD_W_REMOVED_CARD or SCardError.SCARD_E_NO_SMARTCARD or
        SCardError.SCARD_W_RESET_CARD or SCardError.SCARD_W_UNPOWERED_CARD or
        SCardError.SCARD_W_UNRESPONSIVE_CARD => Validator.Core.Cards.CardFault.CardRemoved,
        SCardError.SCARD_E_TIMEOUT => Validator.Core.Cards.CardFault.Timeout,
        SCardError.SCARD_E_READER_UNAVAILABLE or SCardError.SCARD_E_UNKNOWN_READER => Validator.Core.Cards.CardFault.ReaderUnavailable,
        _ when MeansServiceLost(code) => Validator.Core.Cards.CardFault.ServiceUnavailable,
        _ => Validator.Core.Cards.CardFault.TransmissionFailed,
    };
}
