namespace Validator.Core.Cards;

/// <summary>Identifies an ISO 14443-3 card by its UID through the PC/SC GET DATA pseudo-APDU (PC/SC part 3 3.2.2.1.3).</summary>
internal static class UidRead
{
    public static CardReadResult Read(ReadSession session)
    {
        if (!session.TryTransmit(EmvCommands.GetUid, "GET DATA UID", out var response, out var stop)) return stop.ToResult();
        if (!response.IsSuccess)
        {
            return ReadStop.NotSupported(CardReadReason.UnknownCard, $"GET DATA UID: SW {ReadSession.Sw(response)}").ToResult();
        }
        var uid = response.Data;
        // ISO 14443-3 6.5.4: single, double or triple size UID.
        if (uid.Length is not (4 or 7 or 10))
        {
            return ReadStop.Malformed($"GET DATA UID: {uid.Length} bytes is not a UID size").ToResult();
        }
        if (uid.Length == 4 && uid[0] == 0x08)
        {
            // ISO 14443-3 6.5.4: a single-size UID starting 08 is a random ID, new on every activation.
            return ReadStop.NotSupported(CardReadReason.UnknownCard, "random UID (08 xx xx xx) is new on every tap").ToResult();
        }
        var identity = new CardIdentity
        {
            Kind = CardKind.Uid,
            Brand = PcscPseudoAtr.Brand(session.Channel.Atr.Span),
            Token = session.Tokenizer.ForUid(uid),
        };
        return new CardReadResult { Outcome = CardReadOutcome.Identified, Identity = identity };
    }
}
