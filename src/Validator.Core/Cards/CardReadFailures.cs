namespace Validator.Core.Cards;

/// <summary>Read results for taps that fail before the card reader gets a channel (connect failed, mute card).</summary>
public static class CardReadFailures
{
    /// <summary>The result for a card that could not be connected to; same reasons as a fault during the read.</summary>
    public static CardReadResult FromConnectFault(CardFault fault, string? detail) =>
        ReadStop.FromFault(fault, "connect", detail).ToResult();
}
