namespace Validator.Core.Cards;

/// <summary>Why a read ends without an identity: the outcome, the reason feedback maps, and a detail with no card data.</summary>
internal readonly record struct ReadStop(CardReadOutcome Outcome, CardReadReason Reason, string Detail)
{
    /// <summary>The card did not answer: pulled, silent, or the reader failed.</summary>
    public static ReadStop FromFault(CardFault fault, string step, string? detail)
    {
        var reason = fault switch
        {
            CardFault.CardRemoved => CardReadReason.CardRemoved,
            CardFault.Timeout => CardReadReason.Timeout,
            CardFault.MalformedResponse => CardReadReason.MalformedAnswer,
            _ => CardReadReason.ReaderFault,
        };
        return new(CardReadOutcome.ReadFailed, reason, detail is null ? $"{step}: {fault}" : $"{step}: {fault} ({detail})");
    }

    /// <summary>The card answered something that breaks the protocol.</summary>
    public static ReadStop Malformed(string detail) => new(CardReadOutcome.ReadFailed, CardReadReason.MalformedAnswer, detail);

    /// <summary>The card answered properly but has nothing this validator accepts.</summary>
    public static ReadStop NotSupported(CardReadReason reason, string detail) => new(CardReadOutcome.NotSupported, reason, detail);

    /// <summary>The result value for this stop.</summary>
    public CardReadResult ToResult() => new() { Outcome = Outcome, Reason = Reason, Detail = Detail };
}
