using System.Diagnostics;
using System.Globalization;
using Validator.BenchKit;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Storage.Journal;

// Usage: Validator.Storage.Bench [taps] [directory] [--markdown path]
// Measures TapJournal.Append as the validator uses it (default options: fdatasync before it returns), then the
// same frames written with no sync and with fsync, for scale. Point [directory] at the device's real disk.
var arguments = new BenchArguments(args);
arguments.RejectUnknown();
var taps = arguments.PositionalCount(0, 5000);
var root = arguments.Positional.Count > 1 ? arguments.Positional[1] : Path.GetTempPath();
Directory.CreateDirectory(root);
var report = new BenchReport(arguments.Markdown);
var rows = new List<IReadOnlyList<string>>();
var facts = new List<string>();
const double TargetMs = 2;
var dir = Path.Combine(root, "tapjournal-bench-" + Guid.NewGuid().ToString("N"));
const int Warmup = 200;
var inv = CultureInfo.InvariantCulture;

try
{
    var latencies = new double[taps];
    Latencies append;
    long bytes;
    using (var journal = TapJournal.Open(new TapJournalOptions { Directory = dir }))
    {
        for (var i = 0; i < Warmup; i++) journal.Append(Tap(i));
        var start = journal.SizeBytes;
        for (var i = 0; i < taps; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            journal.Append(Tap(i));
            latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        bytes = journal.SizeBytes - start;
        append = Report("`TapJournal.Append` (pwrite + fdatasync, production)", latencies);
        facts.Add(string.Create(inv, $"bytes per tap: {(double)bytes / taps:F1} (frame header 12 + payload), journal {journal.SizeBytes:N0} bytes in {Directory.GetFiles(dir, "*.tapj").Length} segments"));

        var t1 = Stopwatch.GetTimestamp();
        var batches = 0;
        for (long after = 0; ; batches++)
        {
            var batch = journal.ReadAfter(after);
            if (batch.Count == 0) break;
            after = batch[^1].Sequence;
        }

        facts.Add(string.Create(inv, $"`ReadAfter`, all {taps + Warmup} taps in batches of 500: {Stopwatch.GetElapsedTime(t1).TotalMilliseconds:F1} ms ({batches} batches)"));
    }

    var t2 = Stopwatch.GetTimestamp();
    using (var reopened = TapJournal.Open(new TapJournalOptions { Directory = dir }))
        facts.Add(string.Create(inv, $"`Open` with the recovery scan of {reopened.OpenReport.Records} records: {Stopwatch.GetElapsedTime(t2).TotalMilliseconds:F1} ms"));

    var frameLength = (int)(bytes / taps);
    Report("raw `write`, no sync (not durable)", RawWrites(Path.Combine(dir, "raw-nosync"), taps, frameLength, sync: false));
    Report("raw `write` + `fsync` (`FileStream.Flush(true)`)", RawWrites(Path.Combine(dir, "raw-fsync"), taps, frameLength, sync: true));
    report.Table(
        string.Create(inv, $"Tap journal: one append per tap as the validator calls it (default options, 1 MiB segments), {taps:N0} taps after {Warmup} warm-up, on the file system of {root}; the same frame size written raw for scale:"),
        ["write", .. Latencies.Headers, "taps/s"],
        rows);
    report.Line(string.Join("; ", facts) + ".");
    report.Target($"journal append p99 ≤ {TargetMs:F0} ms (the whole validator overhead budget of a tap)", append.P(0.99) <= TargetMs, Latencies.Ms(append.P(0.99), 3));
    report.Save();
    return 0;
}
finally
{
    Directory.Delete(dir, recursive: true);
}

static double[] RawWrites(string path, int count, int frameLength, bool sync)
{
    var frame = new byte[frameLength];
    var latencies = new double[count];
    using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
    for (var i = 0; i < count; i++)
    {
        var t0 = Stopwatch.GetTimestamp();
        file.Write(frame);
        if (sync) file.Flush(flushToDisk: true);
        latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    return latencies;
}

Latencies Report(string what, double[] values)
{
    var measured = new Latencies();
    foreach (var value in values) measured.Add(value);
    rows.Add([what, .. measured.Cells(3), (values.Length / values.Sum() * 1000).ToString("N0", CultureInfo.InvariantCulture)]);
    return measured;
}

static TapRecord Tap(int n) => new()
{
    Id = Guid.CreateVersion7(),
    DeviceId = "bus-4711-front",
    Time = DateTimeOffset.UtcNow,
    ClockTrusted = true,
    CardToken = new CardToken(0x0123456789ABCDEFUL ^ (ulong)n, 0xFEDCBA9876543210UL + (ulong)n),
    ParToken = n % 3 == 0 ? new CardToken((ulong)n, 42) : null,
    Psn = 1,
    Expiry = "2812",
    Last4 = "4242",
    Brand = "Mastercard",
    Decision = "accepted",
    Reason = "pass-valid",
    Product = "school-pass",
    Line = "180",
    Stop = "de:15089:12345",
    ListVersions = new ListVersions(1234, 1_764_300_000, 7),
};
