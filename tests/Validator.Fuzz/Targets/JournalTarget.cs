using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Storage.Journal;

namespace Validator.Fuzz.Targets;

/// <summary>
/// The tap journal reopened on damaged segments and a damaged acknowledgement file. Oracle: it opens (or says
/// <see cref="JournalUnavailableException"/>), every record it reads back is exactly the one written with that sequence
/// (a damaged record is skipped, never returned changed), every record still intact in its own segment file is read
/// back, sequences rise, and the next tap appends after all of them.
/// </summary>
internal sealed class JournalTarget : FuzzTarget
{
    private readonly Outcomes _outcomes = new();
    private readonly Dictionary<long, TapRecord> _written = [];

    /// <summary>Each record's frame bytes and the segment file it was written to.</summary>
    private readonly Dictionary<long, (string Segment, byte[] Frame)> _frames = [];
    private readonly List<byte[]> _corpus = [];
    private string _scratch = "";
    private string _seed = "";
    private int _copy;

    public override string Name => "journal";

    public override TimeSpan InputTimeLimit => TimeSpan.FromSeconds(20);

    public override void Setup()
    {
        _scratch = Path.Combine(FileDamage.ScratchRoot(), "fuzz-journal-" + Guid.NewGuid().ToString("N"));
        _seed = Path.Combine(_scratch, "seed");
        using (var journal = TapJournal.Open(new TapJournalOptions { Directory = _seed, MaxSegmentBytes = 8 * 1024 }))
        {
            for (var i = 0; i < 300; i++)
            {
                var stored = journal.Append(Tap(i));
                _written[stored.Sequence] = stored;
            }
            journal.Acknowledge(120);
        }
        foreach (var file in Directory.GetFiles(_seed))
        {
            var bytes = File.ReadAllBytes(file);
            _corpus.Add(bytes);
            foreach (var record in SegmentScan.Run(bytes).Records) _frames[record.Tap.Sequence] = (Path.GetFileName(file), bytes.AsSpan(record.Offset, record.Length).ToArray());
        }
    }

    private static TapRecord Tap(int i) => new()
    {
        Id = Guid.CreateVersion7(),
        DeviceId = "bus-a",
        Time = new DateTimeOffset(2026, 11, 28, 7, 0, 0, TimeSpan.Zero).AddSeconds(i),
        ClockTrusted = i % 3 != 0,
        CardToken = new CardToken(0xACE0_0000_0000_0000UL + (ulong)i, 0xABCD_0000_0000_0000UL + (ulong)i),
        Last4 = "4242",
        Expiry = "2812",
        Brand = i % 2 == 0 ? "Mastercard" : "girocard",
        Decision = "accepted",
        Reason = "entitlement",
        Product = "student-pass",
        ListVersions = new ListVersions(1, 2, 3),
    };

    public override void Run(Random random, FuzzInput input)
    {
        var directory = Path.Combine(_scratch, "run-" + _copy++);
        Directory.CreateDirectory(directory);
        try
        {
            var files = Directory.GetFiles(_seed).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).ToList();
            foreach (var file in Directory.GetFiles(_seed)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            var damaged = 1 + random.Next(3);
            for (var d = 0; d < damaged; d++)
            {
                var target = Path.Combine(directory, Path.GetFileName(files[random.Next(files.Count)]));
                if (File.Exists(target)) FileDamage.Damage(target, random, input, _corpus);
            }

            TapJournal journal;
            try
            {
                journal = TapJournal.Open(new TapJournalOptions { Directory = directory, MaxSegmentBytes = 8 * 1024 });
            }
            catch (JournalUnavailableException e)
            {
                _outcomes.Add("unavailable-" + e.Fault);
                return;
            }
            using (journal)
            {
                _outcomes.Add(journal.OpenReport.Clean ? "clean" : "recovered");
                long last = 0, read = 0;
                while (true)
                {
                    var batch = journal.ReadAfter(last, 100);
                    if (batch.Count == 0) break;
                    foreach (var tap in batch)
                    {
                        if (tap.Sequence <= last) throw new OracleFailure($"sequence {tap.Sequence} after {last}");
                        if (!_written.TryGetValue(tap.Sequence, out var original) || original != tap)
                            throw new OracleFailure($"record {tap.Sequence} reads back different from what was written");
                        last = tap.Sequence;
                        read++;
                    }
                    if (read > _written.Count) throw new OracleFailure("more records read than written");
                }
                // Every record whose frame is still intact in its own segment file is read back: damage elsewhere loses nothing.
                var readBack = new HashSet<long>();
                for (var batch = journal.ReadAfter(0, 500); batch.Count > 0; batch = journal.ReadAfter(batch[^1].Sequence, 500)) readBack.UnionWith(batch.Select(t => t.Sequence));
                var damagedFiles = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var (sequence, (segment, frame)) in _frames)
                {
                    if (readBack.Contains(sequence)) continue;
                    var path = Path.Combine(directory, segment);
                    if (!damagedFiles.TryGetValue(segment, out var bytes)) damagedFiles[segment] = bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
                    if (bytes.AsSpan().IndexOf(frame) >= 0)
                        throw new OracleFailure($"tap {sequence} is intact in {segment} but was not read back");
                }
                var next = journal.Append(Tap(1000));
                if (next.Sequence <= last) throw new OracleFailure($"a new tap got sequence {next.Sequence}, not after {last}");
                if (journal.AcknowledgedThrough > _written.Keys.Max()) throw new OracleFailure("acknowledged past the last tap written");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public override string Stats() => _outcomes.ToString();

    protected override void Cleanup()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A scratch directory left behind is harmless.
        }
    }
}
