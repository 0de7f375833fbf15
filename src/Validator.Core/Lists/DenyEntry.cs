using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>One deny list entry as the back office sends it.</summary>
public sealed record DenyEntry
{
    /// <summary>Keyed token of the card number; never the number itself.</summary>
    public required CardToken Token { get; init; }

    /// <summary>Expiry "YYMM" of the blocked issue; null blocks every issue of the token.</summary>
    public string? Expiry { get; init; }

    /// <summary>PAN sequence number of the blocked issue; null blocks every issue of the token.</summary>
    public byte? Psn { get; init; }

    /// <summary>Why the card is blocked.</summary>
    public required DenyReason Reason { get; init; }

    /// <summary>When the back office added the entry.</summary>
    public required DateTimeOffset AddedAt { get; init; }

    /// <summary>The key a delta uses to remove this entry.</summary>
    public DenyKey Key => new(Token, Expiry, Psn);
}
