using System.Buffers.Binary;
using System.Globalization;
using Validator.Core.Fares;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Tests;

/// <summary>
/// A power cut as an SD card suffers it: the daemon is killed (SIGKILL) after taps were journaled and lists stored, its
/// files are damaged at seeded random offsets (journal segments, the upload cursor, the list database and its LiteDB
/// log: truncated, bytes flipped, ranges zeroed), and the daemon is started again. It must notice, keep every intact
/// tap (only records inside a damaged range may be lost), set a damaged list file aside, download the lists again,
/// and serve taps with the right decisions.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class Power_loss
{
    [System.Text.RegularExpressions.GeneratedRegex(@"List deny updated to version (\d+)")]
    private static partial System.Text.RegularExpressions.Regex DenyVersion();

    private const int Seed = 20261128;

    [Test]
    public void Files_damaged_after_a_power_cut_are_noticed_intact_taps_kept_and_taps_served_again() => Run(Seed, damages: 10);

    [Test]
    [Explicit("long run: 100 damages, about 9 minutes")]
    public void Files_damaged_after_100_power_cuts_are_noticed_intact_taps_kept_and_taps_served_again() => Run(Seed, damages: 100);

    private static readonly CardholderData[] Cards = [FaultRig.Student, FaultRig.Blocked, FaultRig.Traveller];

    private static void Run(int seed, int damages)
    {
        var random = new Random(seed);
        // Small segments, so there are many files to damage and damaged ones are left behind as new ones start.
        using var rig = new FaultRig("validator-power-loss-", journal: new Dictionary<string, string> { ["MaxSegmentBytes"] = "4096" });
        var journaled = new Dictionary<long, string>();
        var mayBeLost = new HashSet<long>();
        var tally = new Dictionary<string, int>(StringComparer.Ordinal);
        int noticed = 0, invisible = 0, setAside = 0, absent = 0;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var daemon = rig.StartDaemon();
        try
        {
            var published = rig.WaitForListsInService();
            for (var i = 0; i < damages; i++)
            {
                var taps = 1 + random.Next(4);
                for (var t = 0; t < taps; t++)
                {
                    var card = Cards[random.Next(Cards.Length)];
                    Record(card, daemon.Tap(card));
                }
                // Half the time the uploads catch up first, so the upload cursor moves and segments become deletable.
                if (random.Next(2) == 0) WaitForUploads(rig, journaled, mayBeLost);
                var target = (Target)(i % 4);
                if (target == Target.ListsLog)
                {
                    // A list update just before the cut leaves its pages in LiteDB's log file, not yet checkpointed.
                    rig.BlockAnotherCard(i);
                    var line = daemon.WaitFor("List deny updated to version");
                    published = published with { DenyList = long.Parse(DenyVersion().Match(line).Groups[1].Value, CultureInfo.InvariantCulture) };
                }
                daemon.Kill();
                daemon.Dispose();
                files.UnionWith(Directory.EnumerateFiles(rig.Data).Select(Path.GetFileName)!);

                // Every file and every kind of damage within any 12 in a row (4 files × 3 kinds, coprime steps).
                var damage = Damage.Apply(rig.Data, target, (Mode)(i % 3), random);
                tally[damage.Kind] = tally.GetValueOrDefault(damage.Kind) + 1;
                mayBeLost.UnionWith(damage.RecordsHit);
                var asideBefore = AsideFiles(rig.Data);
                var restarted = DateTimeOffset.UtcNow;
                daemon = rig.StartDaemon();

                var output = daemon.Process.Output;
                var listsSetAside = output.Contains("List store damaged, set aside", StringComparison.Ordinal);
                if (damage.MustNotice)
                {
                    Assert.That(damage.NoticedIn(output), Is.True, $"damage {i} ({damage}) was not noticed:\n{output}");
                    noticed++;
                }
                else if (!listsSetAside && damage.Changed) invisible++;
                if (!damage.Changed) absent++;
                if (listsSetAside)
                {
                    Assert.That(damage.Target, Is.EqualTo(Target.Lists).Or.EqualTo(Target.ListsLog), $"lists set aside after damage {i} ({damage})");
                    Assert.That(AsideFiles(rig.Data), Is.EqualTo(asideBefore + 1), "the damaged list file is kept beside the new one");
                    setAside++;
                }
                // The lists in service again (read back from the file, or downloaded after it was set aside).
                rig.WaitForHeartbeat(h => h.DeviceTime > restarted && h.Lists == published, $"after damage {i} ({damage}) with lists {published}");
                Record(FaultRig.Blocked, daemon.Tap(FaultRig.Blocked));
                Record(FaultRig.Student, daemon.Tap(FaultRig.Student));
                var seen = listsSetAside ? "set aside, lists downloaded again" : damage.MustNotice ? "noticed" : damage.Changed ? "no trace" : "nothing changed";
                TestContext.Out.WriteLine($"damage {i}: {damage}: {seen}; records hit {damage.RecordsHit.Count}");
            }
        }
        finally
        {
            daemon.Dispose();
        }

        var stored = WaitForUploads(rig, journaled, mayBeLost);
        var bySequence = stored.GroupBy(t => t.Sequence).ToList();
        Assert.That(bySequence.Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "a sequence was given to two taps");
        foreach (var tap in stored)
        {
            Assert.That(journaled.TryGetValue(tap.Sequence, out var reason), Is.True, $"the back office holds tap {tap.Sequence}, which the daemon never served");
            Assert.That(tap.Reason, Is.EqualTo(reason), $"tap {tap.Sequence} arrived with another decision");
        }
        var lost = journaled.Keys.Count(s => bySequence.All(g => g.Key != s));
        TestContext.Out.WriteLine($"files in the data directory: {string.Join(", ", files)}");
        TestContext.Out.WriteLine($"seed {seed}: {damages} damages ({string.Join(", ", tally.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}); " +
            $"{noticed} noticed by a log line, {setAside} list files set aside, {invisible} changed a file but left no trace, {absent} changed nothing (file absent or same bytes); " +
            $"{journaled.Count} taps journaled, " +
            $"{mayBeLost.Count} inside damaged ranges, {lost} of those never reached the back office, every other tap did");

        void Record(CardholderData card, ServedTap tap)
        {
            string[] right = card == FaultRig.Blocked ? [FareReasons.Denied]
                : card == FaultRig.Student ? [FareReasons.AcceptedPass, FareReasons.AlreadyValidated]
                : [FareReasons.AcceptedPayAsYouGo, FareReasons.AlreadyValidated];
            Assert.That(tap.Reason, Is.AnyOf(right), "a wrong decision");
            Assert.That(tap.Stored, Is.True, $"tap not stored: {string.Join('\n', tap.Lines)}");
            Assert.That(journaled.ContainsKey(tap.Sequence), Is.False, $"sequence {tap.Sequence} given twice");
            Assert.That(journaled.Keys.DefaultIfEmpty(0).Max(), Is.LessThan(tap.Sequence), "sequences go up");
            journaled[tap.Sequence] = tap.Reason;
        }
    }

    /// <summary>The back office's taps once it holds every journaled tap that was not inside a damaged range.</summary>
    private static List<Validator.Core.Taps.TapRecord> WaitForUploads(FaultRig rig, Dictionary<long, string> journaled, HashSet<long> mayBeLost)
    {
        var wanted = journaled.Keys.Where(s => !mayBeLost.Contains(s)).ToHashSet();
        return rig.Backoffice.WaitForTaps(FaultRig.DeviceId, taps => wanted.IsSubsetOf(taps.Select(t => t.Sequence)), $"all {wanted.Count} intact taps");
    }

    private static int AsideFiles(string data) => Directory.EnumerateFiles(data, "lists.db.corrupt-*").Count(f => !f.EndsWith("-log", StringComparison.Ordinal));

    internal enum Target
    {
        Segment,
        Cursor,
        Lists,
        ListsLog,
    }

    internal enum Mode
    {
        Truncate,
        Flip,
        Zero,
    }

    /// <summary>One damage done to one file, and what the daemon must say and may lose because of it.</summary>
    internal sealed record Damage(Target Target, Mode Mode, string File, string Detail, bool MustNotice, IReadOnlyList<long> RecordsHit, bool Changed = true)
    {
        public string Kind => $"{Target}/{Mode}";

        /// <summary>True when the daemon's log names the damage: a skipped or cut-off region of the segment, or the damaged cursor.</summary>
        public bool NoticedIn(string output)
        {
            var name = Path.GetFileName(File);
            return Target == Target.Cursor
                ? output.Contains("upload cursor", StringComparison.Ordinal) && output.Contains("is damaged", StringComparison.Ordinal)
                : output.Split('\n').Any(l => l.Contains(name, StringComparison.Ordinal) && (l.Contains("damaged bytes at", StringComparison.Ordinal) || l.Contains("torn last write", StringComparison.Ordinal)));
        }

        public override string ToString() => $"{Kind} {Path.GetFileName(File)} {Detail}";

        public static Damage Apply(string data, Target target, Mode mode, Random random)
        {
            var journal = Path.Combine(data, "journal");
            var segments = Directory.EnumerateFiles(journal, "*.tapj").Order(StringComparer.Ordinal).ToList();
            var file = target switch
            {
                Target.Segment => segments.Count > 0 ? segments[random.Next(segments.Count)] : null,
                Target.Cursor => Path.Combine(journal, "acknowledged"),
                Target.Lists => Path.Combine(data, "lists.db"),
                _ => Path.Combine(data, "lists-log.db"),
            };
            if (file is null || !System.IO.File.Exists(file) || new FileInfo(file).Length == 0)
            {
                return new Damage(target, mode, file ?? journal, "(no such file: nothing damaged)", false, [], Changed: false);
            }

            var before = System.IO.File.ReadAllBytes(file);
            var after = (byte[])before.Clone();
            long from, to;
            switch (mode)
            {
                case Mode.Truncate:
                    from = random.Next(0, before.Length);
                    to = before.Length;
                    after = before[..(int)from];
                    break;
                case Mode.Flip:
                    from = random.Next(0, before.Length);
                    to = Math.Min(before.Length, from + 1 + random.Next(8));
                    for (var o = from; o < to; o++) after[o] ^= (byte)random.Next(1, 256);
                    break;
                default:
                    from = random.Next(0, before.Length);
                    to = Math.Min(before.Length, from + 1 + random.Next(512));
                    Array.Clear(after, (int)from, (int)(to - from));
                    break;
            }
            System.IO.File.WriteAllBytes(file, after);
            var detail = string.Create(CultureInfo.InvariantCulture, $"bytes {from}..{to} of {before.Length}");
            var changed = !before.AsSpan().SequenceEqual(after);
            if (!changed) return new Damage(target, mode, file, detail + " (same bytes)", false, [], Changed: false);
            return target switch
            {
                Target.Segment => SegmentDamage(file, before, from, to, mode, detail, newest: file == segments[^1]),
                Target.Cursor => new Damage(target, mode, file, detail, true, []),
                // LiteDB has no page checksums: a change may be invisible (free space, unused header bytes) or make the
                // store unreadable (then it is set aside). Either way the decisions after the restart must be right.
                _ => new Damage(target, mode, file, detail, false, []),
            };
        }

        /// <summary>
        /// Records are [magic 4][length 4][CRC 4][payload], the payload's sequence at byte 19. Found by their magic rather
        /// than walked from the start, so a segment damaged before (a skipped region inside) is read right too.
        /// </summary>
        /// The newest segment is pre-zeroed: after its last record come zeros, free space that is not a record.
        private static Damage SegmentDamage(string file, byte[] before, long from, long to, Mode mode, string detail, bool newest)
        {
            ReadOnlySpan<byte> magic = [0xD7, 0x4A, 0x54, 0x31];
            var hit = new List<long>();
            var boundary = from == 0;
            for (var offset = 0; offset + 12 + 27 <= before.Length; offset++)
            {
                if (!before.AsSpan(offset, 4).SequenceEqual(magic)) continue;
                var length = BinaryPrimitives.ReadInt32LittleEndian(before.AsSpan(offset + 4));
                if (length is < 27 or > 4096 || offset + 12L + length > before.Length) continue;
                var end = offset + 12L + length;
                if (from == offset || from == end) boundary = true;
                if (offset < to && end > from) hit.Add(BinaryPrimitives.ReadInt64LittleEndian(before.AsSpan(offset + 12 + 19)));
            }
            var used = newest ? before.AsSpan().LastIndexOfAnyExcept((byte)0) + 1 : before.Length;
            // A cut between two records leaves a shorter, valid segment: nothing to notice, the records after it are gone.
            // So does a cut in the newest segment's free space, and zeros from a record's start over the rest of its records.
            var mustNotice = mode switch
            {
                Mode.Truncate => !boundary && from < used,
                Mode.Zero when newest && boundary && to >= used => false,
                _ => true,
            };
            return new Damage(Target.Segment, mode, file, detail, mustNotice, hit);
        }
    }
}
