namespace Validator.Core.Cards;

/// <summary>An application found on the card that this validator supports, with its place in the selection order.</summary>
/// <param name="Aid">The card's AID (may be longer than the supported prefix).</param>
/// <param name="Supported">The configured application it matched.</param>
/// <param name="Priority">Tag 87 bits 4..1: 1 is the highest; 0 means none given.</param>
/// <param name="Order">Position in the card's directory.</param>
internal sealed record ApplicationCandidate(byte[] Aid, SupportedApplication Supported, int Priority, int Order)
{
    /// <summary>EMV Book 1 12.4: by priority (1 first, none last), then in the card's order.</summary>
    public static List<ApplicationCandidate> Sort(IEnumerable<ApplicationCandidate> candidates) =>
        [.. candidates.OrderBy(c => c.Priority == 0 ? int.MaxValue : c.Priority).ThenBy(c => c.Order)];
}
