using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;

namespace Validator.Backoffice.Tests.Support;

/// <summary>Plausible taps with tokens and last4 only.</summary>
internal static class TestTaps
{
    public static TapRecord Tap(string deviceId, long sequence, int card = 1) => new()
    {
        Id = Guid.CreateVersion7(),
        DeviceId = deviceId,
        Sequence = sequence,
        Time = new DateTimeOffset(2026, 11, 28, 7, 15, 0, TimeSpan.FromHours(1)).AddSeconds(sequence),
        ClockTrusted = true,
        CardToken = Token(card),
        Expiry = "2812",
        Last4 = "4242",
        Brand = "Mastercard",
        Decision = "accepted",
        Reason = "entitlement",
        Product = "student-pass",
        Line = "101",
        Stop = "Bernburg Bahnhof",
        ListVersions = new ListVersions(3, 7, 1),
    };

    public static List<TapRecord> Taps(string deviceId, int count, long firstSequence = 1) =>
        Enumerable.Range(0, count).Select(i => Tap(deviceId, firstSequence + i, i % 50)).ToList();

    // Hex letters in both halves, so no token reads as a run of digits to the PAN scan of test output.
    public static CardToken Token(int card) => new(0xACE0_0000_0000_0000UL + (ulong)card, 0xABCD_0000_0000_0000UL + (ulong)card);
}
