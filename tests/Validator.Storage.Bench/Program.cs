using System.Diagnostics;
using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Storage.Journal;

// Usage: Validator.Storage.Bench [taps] [directory]
// Measures TapJournal.Append as the validator uses it (default options: fdatasync before it returns), then the
// same frames written with no sync and with fsync, for scale. Point [directory] at the device's real disk.
var taps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
var root = args.Length > 1 ? args[1] : Path.GetTempPath();
var dir = Path.Combine(root, "tapjournal-bench-" + Guid.NewGuid().ToString("N"));
const int Warmup = 200;
var inv = CultureInfo.InvariantCulture;

try
{
    Console.WriteLine(string.Create(inv, $"{taps} taps after {Warmup} warm-up, in {root}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}"));

    var latencies = new double[taps];
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
        Report("Append (fdatasync, production)", latencies);
        Console.WriteLine(string.Create(inv, $"bytes per tap: {(double)bytes / taps:F1} (frame header 12 + payload), journal {journal.SizeBytes} bytes in {Directory.GetFiles(dir, "*.tapj").Length} segments"));

        var t1 = Stopwatch.GetTimestamp();
        var batches = 0;
        for (long after = 0; ; batches++)
        {
            var batch = journal.ReadAfter(after);
            if (batch.Count == 0) break;
            after = batch[^1].Sequence;
        }

        Console.WriteLine(string.Create(inv, $"ReadAfter, all {taps + Warmup} taps in batches of 500: {Stopwatch.GetElapsedTime(t1).TotalMilliseconds:F1} ms ({batches} batches)"));
    }

    var t2 = Stopwatch.GetTimestamp();
    using (var reopened = TapJournal.Open(new TapJournalOptions { Directory = dir }))
        Console.WriteLine(string.Create(inv, $"Open with recovery scan of {reopened.OpenReport.Records} records: {Stopwatch.GetElapsedTime(t2).TotalMilliseconds:F1} ms"));

    var frameLength = (int)(bytes / taps);
    Report("raw write, no sync (not durable)", RawWrites(Path.Combine(dir, "raw-nosync"), taps, frameLength, sync: false));
    Report("raw write + fsync (FileStream.Flush(true))", RawWrites(Path.Combine(dir, "raw-fsync"), taps, frameLength, sync: true));
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

static void Report(string what, double[] latencies)
{
    var sorted = latencies.Order().ToArray();
    double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what}: median {At(0.5):F3} ms, p90 {At(0.9):F3} ms, p99 {At(0.99):F3} ms, max {sorted[^1]:F3} ms, {latencies.Length / latencies.Sum() * 1000:F0} taps/s"));
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
