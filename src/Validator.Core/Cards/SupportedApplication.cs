namespace Validator.Core.Cards;

/// <summary>A payment application this validator accepts: an AID (or AID prefix) and the brand shown for it.</summary>
public sealed class SupportedApplication
{
    /// <summary>Creates an entry from the AID in hex (5 to 16 bytes) and a brand name.</summary>
    public SupportedApplication(string aidHex, string brand)
    {
        ArgumentNullException.ThrowIfNull(aidHex);
        ArgumentException.ThrowIfNullOrWhiteSpace(brand);
        if (!Hex.TryParse(aidHex, out var aid) || aid.Length is < 5 or > 16)
        {
            throw new ArgumentException("An AID is 5 to 16 bytes in hex (ISO 7816-5).", nameof(aidHex));
        }
        Aid = aid;
        Brand = brand;
    }

    /// <summary>The AID; a card AID that starts with it matches (EMV partial selection).</summary>
    public ReadOnlyMemory<byte> Aid { get; }

    /// <summary>The brand shown for cards read through this application.</summary>
    public string Brand { get; }

    /// <summary>The default list, in the order the list-of-AIDs method tries them when a card has no PPSE.</summary>
    public static IReadOnlyList<SupportedApplication> Defaults { get; } =
    [
        new("A0000000041010", "Mastercard"),
        new("A0000000043060", "Maestro"),
        new("A0000000031010", "Visa"),
        new("A0000000032020", "V PAY"),
        new("A00000005945430100", "girocard"),
        new("A0000003591010028001", "girocard"),
    ];

    /// <inheritdoc />
    public override string ToString() => $"{Brand} {Hex.Format(Aid.Span)}";
}
