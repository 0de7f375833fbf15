namespace Validator.Core.Lists;

/// <summary>Why a card is on the deny list; stable numbers, they are stored and sent upstream.</summary>
public enum DenyReason
{
    /// <summary>Reported lost by the holder.</summary>
    Lost = 1,

    /// <summary>Reported stolen.</summary>
    Stolen = 2,

    /// <summary>Used fraudulently.</summary>
    Fraud = 3,

    /// <summary>A pay-as-you-go charge could not be collected.</summary>
    Unpaid = 4,

    /// <summary>Part of a range of cards blocked together (for example a bad batch).</summary>
    BlockedRange = 5,
}
