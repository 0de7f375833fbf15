using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Storage.Journal;

// Usage: Validator.Storage.CrashHost <journal directory> <seed> [taps]
// Appends taps as fast as it can (until killed, or until [taps] were written). After each Append returns it prints "<sequence> <id>": from that moment
// feedback could start, so the crash test counts the tap as promised and checks it survives SIGKILL.
if (args.Length is not (2 or 3))
{
    await Console.Error.WriteLineAsync("usage: Validator.Storage.CrashHost <journal directory> <seed> [taps]");
    return 2;
}

var limit = args.Length == 3 ? long.Parse(args[2], CultureInfo.InvariantCulture) : long.MaxValue;

var random = new Random(int.Parse(args[1], CultureInfo.InvariantCulture));
using var journal = TapJournal.Open(new TapJournalOptions { Directory = args[0], MaxSegmentBytes = 16 * 1024 });
var tokenBytes = new byte[CardToken.Length];
string[] decisions = ["accepted", "rejected", "already-validated"];
for (long written = 0; written < limit; written++)
{
    random.NextBytes(tokenBytes);
    var tap = new TapRecord
    {
        Id = TapRecord.NewId(TimeProvider.System),
        DeviceId = "crash-host",
        Time = DateTimeOffset.UtcNow,
        ClockTrusted = random.Next(2) == 0,
        CardToken = CardToken.FromBytes(tokenBytes),
        Last4 = random.Next(10_000).ToString("D4", CultureInfo.InvariantCulture),
        Brand = "Mastercard",
        Decision = decisions[random.Next(decisions.Length)],
        Reason = "ok",
        // Varying lengths move frame boundaries around, so kills land at every kind of offset.
        Product = new string('p', random.Next(0, 40)),
        ListVersions = new ListVersions(random.Next(), 2, 3),
    };
    var stored = journal.Append(tap);
    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stored.Sequence} {stored.Id}"));
}

return 0;
