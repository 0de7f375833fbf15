namespace Validator.Core.Cards;

/// <summary>Why BER-TLV or DOL bytes could not be decoded; a value, never an exception.</summary>
public enum TlvError
{
    /// <summary>The bytes decoded.</summary>
    None = 0,

    /// <summary>A multi-byte tag ended before its last byte.</summary>
    TruncatedTag,

    /// <summary>A tag longer than four bytes (EMV tags have at most three).</summary>
    TagTooLong,

    /// <summary>The length field ended before its last byte.</summary>
    TruncatedLength,

    /// <summary>Indefinite length (80) or a length field of more than three bytes (EMV Book 3 Annex B2).</summary>
    UnsupportedLength,

    /// <summary>The stated length runs past the end of the enclosing data.</summary>
    ValueOverrun,

    /// <summary>Constructed objects nested deeper than any EMV response needs.</summary>
    TooDeep,

    /// <summary>No data object where one was expected.</summary>
    Empty,

    /// <summary>Another data object follows the one template a response may hold.</summary>
    TrailingData,

    /// <summary>A data object list asks for more data than fits in one command.</summary>
    DolTooLong,
}
