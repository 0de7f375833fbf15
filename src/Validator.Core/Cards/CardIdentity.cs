namespace Validator.Core.Cards;

/// <summary>What kind of credential was read.</summary>
public enum CardKind
{
    /// <summary>An EMV payment application (card or phone wallet).</summary>
    Emv,

    /// <summary>A card known only by its ISO 14443-3 UID (MIFARE and the like).</summary>
    Uid,
}

/// <summary>
/// The private identity of a tapped card. It never holds the full card number:
/// the PAN is turned into <see cref="Token"/> during the read and cleared.
/// </summary>
public sealed record CardIdentity
{
    /// <summary>EMV application or UID-only card.</summary>
    public required CardKind Kind { get; init; }

    /// <summary>Brand as shown to people: "Mastercard", "Visa", "girocard", "MIFARE Classic 1K", …</summary>
    public required string Brand { get; init; }

    /// <summary>Keyed token of the PAN (EMV) or of the UID.</summary>
    public required CardToken Token { get; init; }

    /// <summary>The selected application identifier in hex; null for UID cards.</summary>
    public string? Aid { get; init; }

    /// <summary>Last four digits of the PAN for support staff; null for UID cards.</summary>
    public string? Last4 { get; init; }

    /// <summary>Application expiry as YYMM; null when the card did not give one.</summary>
    public string? Expiry { get; init; }

    /// <summary>PAN sequence number (tag 5F34), distinguishing cards issued with the same PAN.</summary>
    public byte? Psn { get; init; }

    /// <summary>Payment Account Reference (tag 9F24): the same for a card and its phone wallet tokens.</summary>
    public string? Par { get; init; }

    /// <summary>Application label (tag 50) as the card states it.</summary>
    public string? ApplicationLabel { get; init; }

    /// <summary>The GENERATE AC answer when the reader was configured to ask for one; null otherwise.</summary>
    public ApplicationCryptogram? Cryptogram { get; init; }
}
