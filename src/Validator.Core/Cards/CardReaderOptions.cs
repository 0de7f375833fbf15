namespace Validator.Core.Cards;

/// <summary>How a <see cref="CardReader"/> reads cards; fixed for the life of the validator.</summary>
public sealed class CardReaderOptions
{
    /// <summary>Key for the HMAC-SHA256 card token; at least 32 bytes, from configuration.</summary>
    public required ReadOnlyMemory<byte> TokenKey { get; init; }

    /// <summary>The payment applications accepted, in list-of-AIDs order.</summary>
    public IReadOnlyList<SupportedApplication> Applications { get; init; } = SupportedApplication.Defaults;

    /// <summary>
    /// Send GENERATE AC (ARQC) after reading. Off by default: every cryptogram advances the card's ATC, and
    /// cryptograms the issuer never sees make the counter gaps that fraud monitoring flags.
    /// </summary>
    public bool RequestCryptogram { get; init; }

    /// <summary>Keep reading records until the PAN sequence number (5F34) is found or the AFL ends.</summary>
    public bool RequireSequenceNumber { get; init; }

    /// <summary>
    /// Terminal Transaction Qualifiers (9F66, EMV Book C-3 Annex A.2) for the PDOL. Default 28 00 40 00:
    /// qVSDC, offline-only reader (the validator never goes online during a tap), consumer device CVM supported
    /// (phone wallets).
    /// </summary>
    public ReadOnlyMemory<byte> TerminalTransactionQualifiers { get; init; } = new byte[] { 0x28, 0x00, 0x40, 0x00 };

    /// <summary>Terminal country code (9F1A), ISO 3166-1 numeric; Germany by default.</summary>
    public int CountryCode { get; init; } = 276;

    /// <summary>Transaction currency code (5F2A), ISO 4217 numeric; euro by default.</summary>
    public int CurrencyCode { get; init; } = 978;
}
