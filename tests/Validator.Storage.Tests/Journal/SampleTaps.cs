using Microsoft.Extensions.Time.Testing;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Storage.Journal;

namespace Validator.Storage.Tests.Journal;

internal static class SampleTaps
{
    /// <summary>The day the sample taps are from.</summary>
    public static readonly DateTimeOffset Day = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The journal in <paramref name="directory"/> with default options, on a clock stopped on <see cref="Day"/>.</summary>
    public static TapJournal OpenJournal(string directory) => OpenJournal(new TapJournalOptions { Directory = directory });

    /// <summary>
    /// The journal with <paramref name="options"/> on a clock stopped on <see cref="Day"/>: on the real clock these taps
    /// grow old, and the journal closes their segment at the next append after a day (MaxSegmentAge) and deletes them
    /// once acknowledged after 30 (Retention), which is not what the tests using them are about.
    /// </summary>
    public static TapJournal OpenJournal(TapJournalOptions options) => TapJournal.Open(options, new FakeTimeProvider(Day));

    /// <summary>A tap with every optional field set; <paramref name="n"/> makes its values differ from its neighbours'.</summary>
    public static TapRecord Full(int n, DateTimeOffset? time = null) => new()
    {
        Id = Guid.CreateVersion7(time ?? DateTimeOffset.UtcNow),
        DeviceId = "bus-4711-front",
        Time = time ?? new DateTimeOffset(2026, 11, 28, 7, 30, 15, TimeSpan.FromHours(1)).AddSeconds(n),
        ClockTrusted = n % 2 == 0,
        CardToken = new CardToken(0x0123456789ABCDEFUL + (ulong)n, 0xFEDCBA9876543210UL),
        ParToken = new CardToken(0x1111111111111111UL, (ulong)n),
        Psn = (byte)(n % 256),
        Expiry = "2812",
        Last4 = "4242",
        Brand = "Mastercard",
        Decision = "accepted",
        Reason = "pass-valid",
        Product = "Schülerticket Salzland",
        Line = "180",
        Stop = "Staßfurt, Bahnhof",
        ListVersions = new ListVersions(41 + n, 1_700_000_000_000, 3),
    };

    /// <summary>A tap with every optional field absent.</summary>
    public static TapRecord Bare(int n, DateTimeOffset? time = null) => new()
    {
        Id = Guid.CreateVersion7(time ?? DateTimeOffset.UtcNow),
        DeviceId = "bus-4711-front",
        Time = time ?? new DateTimeOffset(2026, 11, 28, 7, 30, 15, TimeSpan.Zero).AddSeconds(n),
        ClockTrusted = false,
        CardToken = new CardToken(0xAAAAUL, (ulong)n),
        Brand = "MIFARE Classic 1K",
        Decision = "rejected",
        Reason = "not-supported",
    };

    /// <summary>Every record the journal holds, in order.</summary>
    public static List<TapRecord> ReadAll(TapJournal journal)
    {
        var all = new List<TapRecord>();
        while (true)
        {
            var batch = journal.ReadAfter(all.Count == 0 ? 0 : all[^1].Sequence);
            if (batch.Count == 0) return all;
            all.AddRange(batch);
        }
    }
}
