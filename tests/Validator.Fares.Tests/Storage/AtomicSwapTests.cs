using Microsoft.Extensions.Time.Testing;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Storage.Lists;

namespace Validator.Fares.Tests.Storage;

/// <summary>Taps decided while new list versions are written: each tap sees one whole version, never a mix.</summary>
[TestFixture]
public class AtomicSwapTests
{
    private const int CardsPerVersion = 40;
    private const int Versions = 30;
    private static readonly DateTimeOffset Added = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);

    // Version v blocks exactly the cards v*1000 .. v*1000+39, so any card of another version in a snapshot is a mix.
    private static DenyEntry[] EntriesOf(long version) => Enumerable.Range(0, CardsPerVersion)
        .Select(i => new DenyEntry { Token = TestCards.Token((int)version * 1000 + i), Reason = DenyReason.Lost, AddedAt = Added })
        .ToArray();

    [Test]
    public void A_tap_decided_during_updates_sees_exactly_one_version_of_the_deny_list()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 10, 5, 5, 0, 0, TimeSpan.Zero));
        using var lists = StoredLists.Open(dir.File("lists.db"), time);
        lists.ApplyDenySnapshot(1, EntriesOf(1));
        var clock = ClockReading.TrustedAt(time.GetUtcNow());
        var versionsSeen = new HashSet<long>();
        var problems = new List<string>();
        var checks = 0;
        using var writerDone = new ManualResetEventSlim();

        var writer = Task.Run(() =>
        {
            try
            {
                for (long v = 2; v <= Versions; v++)
                {
                    // Alternate full snapshots (new generation in the store) and deltas (one transaction).
                    if (v % 2 == 0) lists.ApplyDenySnapshot(v, EntriesOf(v));
                    else lists.ApplyDenyDelta(new DenyListDelta { FromVersion = v - 1, ToVersion = v, Added = EntriesOf(v), Removed = EntriesOf(v - 1).Select(e => e.Key).ToArray() });
                }
            }
            finally
            {
                writerDone.Set();
            }
        });

        var last = 0L;
        while (!writerDone.IsSet || checks == 0)
        {
            var snapshot = lists.Live.Current;
            var version = snapshot.DenyStamp.Version;
            versionsSeen.Add(version);
            if (version < last) problems.Add($"version went back from {last} to {version}");
            last = version;
            if (snapshot.DenyList.Count != CardsPerVersion) problems.Add($"version {version} holds {snapshot.DenyList.Count} entries");
            for (var i = 0; i < CardsPerVersion; i += 7)
            {
                var own = FareEngine.Decide(new FareRequest { Read = TestCards.Read(TestCards.Emv(TestCards.Token((int)version * 1000 + i))), Clock = clock }, snapshot, new RepeatTapTracker());
                var previous = snapshot.DenyList.TryMatch(TestCards.Emv(TestCards.Token((int)(version - 1) * 1000 + i)), out _);
                var next = snapshot.DenyList.TryMatch(TestCards.Emv(TestCards.Token((int)(version + 1) * 1000 + i)), out _);
                if (own.Reason != FareReasons.Denied || own.Lists.DenyList != version || previous || next) problems.Add($"version {version} is mixed at card {i}");
            }
            checks++;
        }
        writer.GetAwaiter().GetResult();

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(versionsSeen, Has.Count.GreaterThan(2), "the reader must have run across several updates");
            Assert.That(lists.Live.Current.DenyStamp.Version, Is.EqualTo(Versions));
        });
    }

    [Test]
    public void The_store_after_concurrent_updates_reopens_at_the_last_version()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        using (var lists = StoredLists.Open(dir.File("lists.db"), time))
        {
            lists.ApplyDenySnapshot(1, EntriesOf(1));
            Parallel.For(0, 4, _ =>
            {
                // Four updaters racing for the same step: exactly one delta applies, the others are refused.
                lists.ApplyDenyDelta(new DenyListDelta { FromVersion = 1, ToVersion = 2, Added = EntriesOf(2), Removed = EntriesOf(1).Select(e => e.Key).ToArray() });
            });
        }

        using var reopened = StoredLists.Open(dir.File("lists.db"), time);
        var snapshot = reopened.Live.Current;
        Assert.That((snapshot.DenyStamp.Version, snapshot.DenyList.Count, snapshot.DenyList.Contains(EntriesOf(2)[0].Key)), Is.EqualTo((2L, CardsPerVersion, true)));
    }
}
