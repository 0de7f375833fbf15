using Validator.Core.Cards;

namespace Validator.Core.Fares;

/// <summary>Read access to the cards accepted recently, for the repeat-tap rule.</summary>
public interface IRecentTaps
{
    /// <summary>The last accepted tap of the card with <paramref name="token"/>, if it is still remembered.</summary>
    bool TryGetLastAccepted(CardToken token, out RecentTap tap);
}
