using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// What identifies one deny entry: the token and its optional narrowing to one card issue.
/// A card reissued with the same PAN has a new expiry (and often a new PSN), so an entry
/// narrowed to the old issue does not block the new card.
/// </summary>
/// <param name="Token">Keyed token of the card number.</param>
/// <param name="Expiry">Expiry "YYMM" of the blocked issue; null blocks every issue.</param>
/// <param name="Psn">PAN sequence number of the blocked issue; null blocks every issue.</param>
public readonly record struct DenyKey(CardToken Token, string? Expiry = null, byte? Psn = null);
