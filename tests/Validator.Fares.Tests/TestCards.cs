using Validator.Core.Cards;

namespace Validator.Fares.Tests;

/// <summary>Card identities and read results for tests; tokens are made up, never derived from a card number.</summary>
internal static class TestCards
{
    public static CardToken Token(int n) => new(0x1000_0000_0000_0000UL + (ulong)n, 0xABCD_0000_0000_0000UL + (ulong)n);

    public static CardIdentity Emv(CardToken token, string? expiry = "2812", byte? psn = 0, string? par = null) => new()
    {
        Kind = CardKind.Emv,
        Brand = "Mastercard",
        Token = token,
        Aid = "A0000000041010",
        Last4 = "0004",
        Expiry = expiry,
        Psn = psn,
        Par = par,
    };

    public static CardIdentity Uid(CardToken token) => new()
    {
        Kind = CardKind.Uid,
        Brand = "MIFARE Classic 1K",
        Token = token,
    };

    public static CardReadResult Read(CardIdentity identity) => new() { Outcome = CardReadOutcome.Identified, Identity = identity };

    public static CardReadResult Failed(CardReadReason reason) => new() { Outcome = CardReadOutcome.ReadFailed, Reason = reason };

    public static CardReadResult NotSupported() => new() { Outcome = CardReadOutcome.NotSupported, Reason = CardReadReason.NoSupportedApplication };
}
