using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// A pass or other product held by the back office for one card (by token) or one account (by PAR, which a card
/// and its phone wallet share). Dates and times are local to the policy's time zone (Europe/Berlin).
/// </summary>
public sealed record Entitlement
{
    /// <summary>Most lines, zones or windows one entitlement may name.</summary>
    public const int MaxItems = 1000;

    /// <summary>Longest id, PAR, product, line or zone code, in characters.</summary>
    public const int MaxText = 1000;

    /// <summary>The back office's id for this entitlement; deltas remove by it.</summary>
    public required string Id { get; init; }

    /// <summary>Keyed token of the card number; null when the entitlement is held by <see cref="Par"/>.</summary>
    public CardToken? Token { get; init; }

    /// <summary>Payment Account Reference (EMV tag 9F24); null when held by <see cref="Token"/>.</summary>
    public string? Par { get; init; }

    /// <summary>Product code from the policy's catalogue.</summary>
    public required string Product { get; init; }

    /// <summary>First local date the entitlement is valid on.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last local date the entitlement is valid on (inclusive).</summary>
    public required DateOnly ValidTo { get; init; }

    /// <summary>Lines it is valid on; empty means every line.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary>Zones it is valid in; empty means every zone.</summary>
    public IReadOnlyList<string> Zones { get; init; } = [];

    /// <summary>Days of the week it is valid on.</summary>
    public Weekdays Days { get; init; } = Weekdays.All;

    /// <summary>Local time windows it is valid in; empty means all day.</summary>
    public IReadOnlyList<TimeWindow> Windows { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> when the entitlement cannot be used (no holder, dates reversed).</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Id)) throw new ArgumentException("An entitlement needs an id.");
        if (Token is null && string.IsNullOrEmpty(Par)) throw new ArgumentException($"Entitlement {Id} has neither a token nor a PAR.");
        if (string.IsNullOrEmpty(Product)) throw new ArgumentException($"Entitlement {Id} has no product.");
        // Lists arrive as JSON: null can stand where a list or a name goes.
        if (Lines is null || Zones is null || Windows is null || Lines.Contains(null!) || Zones.Contains(null!))
            throw new ArgumentException($"Entitlement {Id} has null lines, zones or windows.");
        if (ValidTo < ValidFrom) throw new ArgumentException($"Entitlement {Id} ends ({ValidTo:O}) before it starts ({ValidFrom:O}).");
        // Bounds the stored form relies on (lengths and counts are 16-bit there), far beyond any real pass.
        if ((Days & ~Weekdays.All) != 0) throw new ArgumentException($"Entitlement {Id} has unknown days {(int)Days}.");
        if (Lines.Count > MaxItems || Zones.Count > MaxItems || Windows.Count > MaxItems) throw new ArgumentException($"Entitlement {Id} has more than {MaxItems} lines, zones or windows.");
        if (TooLong(Id) || TooLong(Par) || TooLong(Product) || Lines.Any(TooLong) || Zones.Any(TooLong))
            throw new ArgumentException($"Entitlement {Id[..Math.Min(Id.Length, 40)]} has a text field longer than {MaxText} characters.");
    }

    private static bool TooLong(string? text) => text is { Length: > MaxText };
}
