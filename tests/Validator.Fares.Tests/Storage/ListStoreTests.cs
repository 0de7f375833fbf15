using Microsoft.Extensions.Time.Testing;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Fares.Tests.Fares;
using Validator.Storage.Lists;

namespace Validator.Fares.Tests.Storage;

/// <summary>The list store on real LiteDB files in a temp directory.</summary>
[TestFixture]
public class ListStoreTests
{
    private static readonly DateTimeOffset Added = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);
    private TempDirectory _dir = null!;
    private FakeTimeProvider _time = null!;

    private string DbPath => _dir.File("lists.db");

    [SetUp]
    public void CreateDirectory()
    {
        _dir = new TempDirectory();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 10, 5, 5, 0, 0, TimeSpan.Zero));
    }

    [TearDown]
    public void RemoveDirectory() => _dir.Dispose();

    private static DenyEntry Deny(int token, string? expiry = null, DenyReason reason = DenyReason.Lost) =>
        new() { Token = TestCards.Token(token), Expiry = expiry, Reason = reason, AddedAt = Added };

    [Test]
    public void A_new_store_holds_no_lists()
    {
        using var lists = StoredLists.Open(DbPath, _time);

        Assert.That(lists.Live.Current.Versions, Is.EqualTo(new ListVersions(0, 0, 0)));
    }

    [Test]
    public void Empty_lists_written_are_there_after_reopening()
    {
        // A fleet starts with nobody blocked and no passes sold yet: empty snapshots are ordinary lists.
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(3, []);
            lists.ApplyEntitlementSnapshot(4, []);
        }

        using var reopened = StoredLists.Open(DbPath, _time);

        Assert.That(reopened.Live.Current.Versions, Is.EqualTo(new ListVersions(3, 4, 0)));
        Assert.That(reopened.Live.Current.DenyList.Count, Is.Zero);
        Assert.That(reopened.Live.Current.Entitlements.Count, Is.Zero);
    }

    [Test]
    public void Lists_written_are_there_after_reopening()
    {
        var policy = FareWorld.Policy(payg: true) with { RepeatTapWindow = TimeSpan.FromMinutes(7), ClockPolicy = ClockPolicy.UseClock, PayAsYouGoNeedsFreshDenyList = true };
        var passes = new[]
        {
            FareWorld.StudentPass("e1", token: TestCards.Token(1)),
            FareWorld.StudentPass("e2", par: "PAR2") with { Zones = ["A", "B"], Windows = [new TimeWindow(new TimeOnly(22, 0), new TimeOnly(2, 30))] },
        };
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(41, [Deny(1, "2701", DenyReason.Stolen), Deny(2)]);
            lists.ApplyEntitlementSnapshot(9, passes);
            lists.ApplyPolicy(5, policy);
        }

        using var reopened = StoredLists.Open(DbPath, _time);
        var snapshot = reopened.Live.Current;

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Versions, Is.EqualTo(new ListVersions(41, 9, 5)));
            Assert.That(snapshot.DenyStamp.UpdatedAt, Is.EqualTo(_time.GetUtcNow()));
            Assert.That(snapshot.DenyList.Contains(new DenyKey(TestCards.Token(1), "2701")), Is.True);
            Assert.That(snapshot.DenyList.Contains(new DenyKey(TestCards.Token(2))), Is.True);
            Assert.That(snapshot.Entitlements.All.OrderBy(e => e.Id).Select(Describe), Is.EqualTo(passes.Select(Describe)));
            Assert.That(snapshot.Policy with { Products = [] }, Is.EqualTo(policy with { Products = [] }));
            Assert.That(snapshot.Policy.Products, Is.EqualTo(policy.Products));
        });
    }

    [Test]
    public void A_long_chain_of_entitlement_deltas_reopens_as_the_list_in_service_and_is_compacted_on_the_way()
    {
        var random = new Random(5);
        Entitlement Pass(int i) => FareWorld.StudentPass("pass-" + i, token: TestCards.Token(random.Next(500)), par: random.Next(3) == 0 ? "PAR" + random.Next(50) : null) with
        {
            Lines = random.Next(2) == 0 ? [] : ["110", "2" + random.Next(10)],
            Windows = random.Next(2) == 0 ? [] : [new TimeWindow(new TimeOnly(random.Next(12), 0), new TimeOnly(12 + random.Next(12), 0))],
        };
        string[] served;
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyEntitlementSnapshot(1, Enumerable.Range(0, 3000).Select(Pass));
            for (var v = 1; v < 80; v++)
            {
                var added = Enumerable.Range(0, 5).Select(_ => Pass(random.Next(3100))).ToList();
                var removed = Enumerable.Range(0, 3).Select(_ => "pass-" + random.Next(3100)).ToList();
                Assert.That(lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = v, ToVersion = v + 1, Added = added, Removed = removed }).Status, Is.EqualTo(ListUpdateStatus.Applied));
            }
            // Within one delta removals come before additions; across deltas the later one wins.
            Assert.That(lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 80, ToVersion = 81, Added = [FareWorld.StudentPass("same", par: "")  with { Token = TestCards.Token(1) }, FareWorld.StudentPass("later-gone", token: TestCards.Token(2))], Removed = ["same"] }).Status, Is.EqualTo(ListUpdateStatus.Applied));
            Assert.That(lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 81, ToVersion = 82, Removed = ["later-gone"] }).Status, Is.EqualTo(ListUpdateStatus.Applied));
            served = lists.Live.Current.Entitlements.All.Select(Describe).Order(StringComparer.Ordinal).ToArray();
            Assert.That((lists.Live.Current.Entitlements.TryGet("same", out var same), same?.Par, lists.Live.Current.Entitlements.TryGet("later-gone", out _)), Is.EqualTo((true, "", false)));
        }
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            Assert.That(db.GetCollectionNames().Where(n => n.StartsWith("entdelta_", StringComparison.Ordinal)).Sum(n => db.GetCollection(n).Count()), Is.LessThan(64), "compacted: the chain was rewritten as a base");
        }

        using var reopened = StoredLists.Open(DbPath, _time);

        Assert.Multiple(() =>
        {
            Assert.That(reopened.Live.Current.EntitlementStamp.Version, Is.EqualTo(82));
            Assert.That(reopened.Live.Current.Entitlements.All.Select(Describe).Order(StringComparer.Ordinal), Is.EqualTo(served));
        });
    }

    [Test]
    public void Entitlements_stored_one_document_each_are_served_and_repacked_by_the_first_delta()
    {
        // A file as written before the packed form: the entitlements as documents, their version record counting them.
        var passes = Enumerable.Range(1, 30).Select(i => FareWorld.StudentPass("pass-" + i, token: TestCards.Token(i))).ToList();
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            db.GetCollection("ent_1").InsertBulk(passes.Select(LegacyDocument));
            db.GetCollection("meta").Insert(new LiteDB.BsonDocument
            {
                ["_id"] = "entitlements", ["v"] = 4L, ["at"] = FareWorld.ListsUpdated.UtcTicks, ["g"] = 1, ["n"] = 0, ["bv"] = 0L, ["d"] = 0, ["dr"] = 0L, ["c"] = 30,
            });
        }

        using (var lists = StoredLists.Open(DbPath, _time))
        {
            Assert.That(lists.Live.Current.Entitlements.All.Select(Describe).Order(StringComparer.Ordinal), Is.EqualTo(passes.Select(Describe).Order(StringComparer.Ordinal)));
            lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 4, ToVersion = 5, Added = [FareWorld.StudentPass("pass-31", par: "P")], Removed = ["pass-2"] });
        }
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            Assert.That(db.GetCollectionNames().Where(n => n.StartsWith("ent", StringComparison.Ordinal)).Order(), Is.EqualTo(new[] { "entc_2", "entdelta_2" }));
        }
        using var reopened = StoredLists.Open(DbPath, _time);

        var expected = passes.Where(p => p.Id != "pass-2").Append(FareWorld.StudentPass("pass-31", par: "P"));
        Assert.Multiple(() =>
        {
            Assert.That(reopened.Live.Current.EntitlementStamp.Version, Is.EqualTo(5));
            Assert.That(reopened.Live.Current.Entitlements.All.Select(Describe).Order(StringComparer.Ordinal), Is.EqualTo(expected.Select(Describe).Order(StringComparer.Ordinal)));
        });
    }

    /// <summary>An entitlement as files before the packed form stored it, one document each.</summary>
    private static LiteDB.BsonDocument LegacyDocument(Entitlement e)
    {
        var doc = new LiteDB.BsonDocument
        {
            ["_id"] = e.Id, ["p"] = e.Product, ["f"] = e.ValidFrom.DayNumber, ["u"] = e.ValidTo.DayNumber, ["d"] = (int)e.Days,
        };
        if (e.Token is { } token) doc["t"] = token.ToBytes();
        if (e.Par is not null) doc["par"] = e.Par;
        if (e.Lines.Count > 0) doc["l"] = new LiteDB.BsonArray(e.Lines.Select(l => new LiteDB.BsonValue(l)));
        if (e.Windows.Count > 0) doc["w"] = new LiteDB.BsonArray(e.Windows.SelectMany(w => new[] { new LiteDB.BsonValue(w.Start.Ticks), new LiteDB.BsonValue(w.End.Ticks) }));
        return doc;
    }

    // Records with list members compare lists by reference; compare their contents instead.
    private static string Describe(Entitlement e) =>
        $"{e.Id}|{e.Token}|{e.Par}|{e.Product}|{e.ValidFrom}|{e.ValidTo}|{string.Join(',', e.Lines)}|{string.Join(',', e.Zones)}|{e.Days}|{string.Join(',', e.Windows)}";

    [Test]
    public void Deny_entries_keep_every_field_through_a_reopen()
    {
        var entries = new[] { Deny(1, "2701") with { Psn = 3 }, Deny(1, "2901", DenyReason.Fraud) with { AddedAt = Added.AddTicks(7) }, Deny(2, reason: DenyReason.BlockedRange) };
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(1, entries);
        }

        using var reopened = StoredLists.Open(DbPath, _time);

        Assert.Multiple(() =>
        {
            // The store keeps every field; the index in memory keeps what lookups need and leaves the times in the file.
            Assert.That(reopened.ReadDenyEntries(), Is.EquivalentTo(entries));
            Assert.That(Keys(reopened.Live.Current.DenyList), Is.EquivalentTo(entries.Select(e => (e.Key, e.Reason))));
            Assert.That(reopened.Live.Current.DenyList.HasAddedTimes, Is.False);
        });
    }

    private static (DenyKey Key, DenyReason Reason)[] Keys(DenyList list)
    {
        var rows = new DenyRow[list.Count];
        list.CopyRows(0, rows);
        return rows.Select(r => (r.ToKey(), r.Reason)).ToArray();
    }

    [Test]
    public void A_snapshot_streamed_with_its_count_is_stored_and_one_with_a_wrong_count_is_refused()
    {
        using var lists = StoredLists.Open(DbPath, _time);
        lists.ApplyDenySnapshot(1, Stream(3), 3);

        Assert.Multiple(() =>
        {
            Assert.That(() => lists.ApplyDenySnapshot(2, Stream(4), 3), Throws.ArgumentException.With.Message.Contains("more entries"));
            Assert.That(() => lists.ApplyDenySnapshot(2, Stream(2), 3), Throws.ArgumentException.With.Message.Contains("holds 2 entries"));
            Assert.That((lists.Live.Current.DenyStamp.Version, lists.Live.Current.DenyList.Count), Is.EqualTo((1L, 3)));
            Assert.That(lists.ReadDenyEntries().Select(e => e.Token), Is.EquivalentTo(Stream(3).Select(e => e.Token)));
        });

        static IEnumerable<DenyEntry> Stream(int n)
        {
            for (var i = 0; i < n; i++) yield return Deny(i + 1);
        }
    }

    [Test]
    public void A_streamed_snapshot_in_any_order_is_the_same_list_in_service_and_after_reopening([Values] bool keyListedTwice)
    {
        // Over several chunks, shuffled; with a key listed twice the later entry stays (its reason is Stolen), in the
        // index built beside the write and in the list loaded back from the file.
        var entries = Enumerable.Range(0, 5000).Select(i => Deny(i)).ToList();
        if (keyListedTwice) entries.Add(Deny(1234, reason: DenyReason.Stolen) with { AddedAt = Added.AddHours(1) });
        else entries[1234] = Deny(1234, reason: DenyReason.Stolen);
        var random = new Random(7);
        var shuffled = entries.OrderBy(_ => random.Next()).ToArray();
        (DenyKey, DenyReason)[] inService;
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(7, shuffled, shuffled.Length);
            inService = Keys(lists.Live.Current.DenyList);
        }

        using var reopened = StoredLists.Open(DbPath, _time);
        var stored = reopened.ReadDenyEntries();
        Assert.Multiple(() =>
        {
            Assert.That(inService, Has.Length.EqualTo(5000));
            Assert.That(inService, Is.EqualTo(Keys(reopened.Live.Current.DenyList)));
            Assert.That(inService.Select(k => DenyRow.From(k.Item1)), Is.Ordered.Using<DenyRow>(DenyRow.KeyOrder));
            Assert.That(stored.Single(e => e.Token == TestCards.Token(1234)).Reason, Is.EqualTo(DenyReason.Stolen));
            Assert.That(stored.Where(e => e.Token != TestCards.Token(1234)).Select(e => e.AddedAt).Distinct(), Is.EqualTo(new[] { Added }), "every added-at time is kept in the file");
        });
    }

    [Test]
    public void A_malformed_entry_deep_in_a_streamed_snapshot_leaves_the_old_list_in_force_and_nothing_behind()
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(1, [Deny(1)]);
            // Chunks of the new generation are committed before the bad entry is met (2,048 rows a chunk, 16 chunks a
            // transaction: 32,768 rows).
            var stream = Enumerable.Range(0, 40_000).Select(i => i == 35_000 ? Deny(i, expiry: "27-1") : Deny(i));
            Assert.That(() => lists.ApplyDenySnapshot(2, stream, 40_000), Throws.ArgumentException);
            Assert.That((lists.Live.Current.DenyStamp.Version, lists.Live.Current.DenyList.Count), Is.EqualTo((1L, 1)));
        }
        string[] collections;
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            collections = db.GetCollectionNames().Where(n => n.StartsWith("deny", StringComparison.Ordinal)).ToArray();
        }

        using var reopened = StoredLists.Open(DbPath, _time);
        Assert.Multiple(() =>
        {
            Assert.That(collections, Is.EqualTo(new[] { "deny_1" }), "the half-written generation was dropped at once");
            Assert.That((reopened.Live.Current.DenyStamp.Version, reopened.Live.Current.DenyList.Count), Is.EqualTo((1L, 1)));
        });
    }

    [Test]
    public void Many_deltas_are_folded_into_a_new_base_and_the_list_reopens_the_same()
    {
        var random = new Random(11);
        int generationBefore, generationAfter;
        DenyEntry[] expected;
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(1, Enumerable.Range(0, 5000).Select(i => Deny(i)));
            using (var probe = LiteDbListStoreProbe.Reopen(lists)) generationBefore = probe.DenyGeneration;
        }
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            for (long v = 1; v < 80; v++)
            {
                var delta = new DenyListDelta
                {
                    FromVersion = v,
                    ToVersion = v + 1,
                    Added = [Deny(10_000 + (int)v, reason: DenyReason.Unpaid)],
                    Removed = [new DenyKey(TestCards.Token(random.Next(5000)))],
                };
                Assert.That(lists.ApplyDenyDelta(delta).Status, Is.EqualTo(ListUpdateStatus.Applied));
            }
            expected = lists.ReadDenyEntries().ToArray();
            Assert.That(Keys(lists.Live.Current.DenyList), Is.EqualTo(expected.Select(e => (e.Key, e.Reason))), "the index in service is the stored list");
            using var probe = LiteDbListStoreProbe.Reopen(lists);
            generationAfter = probe.DenyGeneration;
        }

        using var reopened = StoredLists.Open(DbPath, _time);
        Assert.Multiple(() =>
        {
            Assert.That(generationAfter, Is.GreaterThan(generationBefore));
            Assert.That(reopened.Live.Current.DenyStamp.Version, Is.EqualTo(80));
            Assert.That(reopened.ReadDenyEntries(), Is.EqualTo(expected));
            Assert.That(Keys(reopened.Live.Current.DenyList), Is.EqualTo(expected.Select(e => (e.Key, e.Reason))));
        });
    }

    [Test]
    public void A_delta_is_applied_in_memory_and_in_the_store()
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(1, [Deny(1), Deny(2)]);
            var result = lists.ApplyDenyDelta(new DenyListDelta { FromVersion = 1, ToVersion = 2, Added = [Deny(3)], Removed = [new DenyKey(TestCards.Token(1))] });
            Assert.That(result, Is.EqualTo(new ListUpdateResult(ListUpdateStatus.Applied, 2)));
            Assert.That(Listed(lists.Live.Current), Is.EqualTo(new[] { false, true, true }));
        }

        using var reopened = StoredLists.Open(DbPath, _time);
        Assert.That((reopened.Live.Current.DenyStamp.Version, Listed(reopened.Live.Current)), Is.EqualTo((2L, new[] { false, true, true })));
    }

    private static bool[] Listed(ListSnapshot s) => Enumerable.Range(1, 3).Select(t => s.DenyList.Contains(new DenyKey(TestCards.Token(t)))).ToArray();

    [Test]
    public void A_delta_for_another_version_is_refused_and_changes_nothing()
    {
        using var lists = StoredLists.Open(DbPath, _time);
        lists.ApplyDenySnapshot(5, [Deny(1)]);

        var result = lists.ApplyDenyDelta(new DenyListDelta { FromVersion = 4, ToVersion = 6, Added = [Deny(2)] });

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(new ListUpdateResult(ListUpdateStatus.VersionMismatch, 5)));
            Assert.That(lists.Live.Current.DenyList.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void An_entitlement_delta_survives_a_reopen()
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyEntitlementSnapshot(1, [FareWorld.StudentPass("a", token: TestCards.Token(1)), FareWorld.StudentPass("b", token: TestCards.Token(2))]);
            lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 1, ToVersion = 2, Added = [FareWorld.StudentPass("c", par: "P")], Removed = ["a"] });
        }

        using var reopened = StoredLists.Open(DbPath, _time);
        Assert.That(reopened.Live.Current.Entitlements.All.Select(e => e.Id).Order(), Is.EqualTo(new[] { "b", "c" }));
    }

    [Test]
    public void A_malformed_entry_in_a_snapshot_is_refused_and_the_old_list_stays()
    {
        using var lists = StoredLists.Open(DbPath, _time);
        lists.ApplyDenySnapshot(1, [Deny(1)]);

        Assert.That(() => lists.ApplyDenySnapshot(2, [Deny(2), Deny(3, expiry: "27-1")]), Throws.ArgumentException);
        var inMemory = lists.Live.Current.DenyStamp.Version;
        lists.Dispose();
        using var reopened = StoredLists.Open(DbPath, _time);
        Assert.That((inMemory, reopened.Live.Current.DenyStamp.Version, reopened.Live.Current.DenyList.Count), Is.EqualTo((1L, 1L, 1)));
    }

    [Test]
    public void A_policy_naming_an_unknown_time_zone_is_refused_with_a_clear_error()
    {
        using var lists = StoredLists.Open(DbPath, _time);

        Assert.That(() => lists.ApplyPolicy(1, FarePolicy.Default with { TimeZoneId = "Europe/Atlantis" }), Throws.ArgumentException.With.Message.Contains("Europe/Atlantis"));
        Assert.That(lists.Live.Current.PolicyStamp.Version, Is.Zero);
    }

    [Test]
    public void A_snapshot_write_cut_short_leaves_the_old_version_and_its_leftovers_are_cleared_on_open()
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(1, [Deny(1)]);
        }
        // What a power cut between writing generation 2 and the meta switch leaves behind.
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            db.GetCollection("deny_2").Insert(new LiteDB.BsonDocument { ["_id"] = new byte[20], ["r"] = 1, ["a"] = 0L });
        }

        using var reopened = StoredLists.Open(DbPath, _time);
        using var db2 = LiteDbListStoreProbe.Reopen(reopened);

        Assert.Multiple(() =>
        {
            Assert.That(reopened.Live.Current.DenyStamp.Version, Is.EqualTo(1));
            Assert.That(reopened.Live.Current.DenyList.Count, Is.EqualTo(1));
            Assert.That(LiteDbListStoreProbe.CollectionNames(db2), Does.Not.Contain("deny_2"));
        });
    }

    [Test]
    public void A_file_that_is_not_a_list_store_gives_a_clear_error_and_is_left_as_it_was()
    {
        var garbage = new byte[64 * 1024];
        new Random(3).NextBytes(garbage);
        File.WriteAllBytes(DbPath, garbage);

        var error = Assert.Throws<ListStoreCorruptException>(() => StoredLists.Open(DbPath, _time).Dispose());

        Assert.Multiple(() =>
        {
            Assert.That(error!.StorePath, Is.EqualTo(DbPath));
            Assert.That(error.Message, Does.Contain("download the lists again"));
            Assert.That(File.ReadAllBytes(DbPath), Is.EqualTo(garbage));
        });
    }

    [Test]
    public void A_store_with_a_damaged_list_gives_a_clear_error()
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(1, [Deny(1), Deny(2)]);
        }
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            db.GetCollection("deny_1").Upsert(new LiteDB.BsonDocument { ["_id"] = 0, ["rows"] = new byte[3] });
        }

        Assert.That(() => StoredLists.Open(DbPath, _time).Dispose(), Throws.TypeOf<ListStoreCorruptException>().With.Message.Contains("torn row"));
    }

    [Test]
    public void A_corrupt_store_set_aside_is_kept_and_a_fresh_store_takes_new_lists()
    {
        File.WriteAllText(DbPath, "this is not a database, but somebody may want to look at it");

        Assert.Throws<ListStoreCorruptException>(() => StoredLists.Open(DbPath, _time).Dispose());
        var setAside = ListStoreFile.SetAside(DbPath, _time);
        using var fresh = StoredLists.Open(DbPath, _time);
        fresh.ApplyDenySnapshot(1, [Deny(1)]);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(setAside), Does.StartWith("this is not a database"));
            Assert.That(setAside, Does.EndWith(".corrupt-20261005T050000Z"));
            Assert.That(fresh.Live.Current.DenyList.Count, Is.EqualTo(1));
        });
    }
    [Test]
    public void An_update_leaves_the_heap_compacted_behind_it()
    {
        // The collection after a swap compacts. A sweep alone leaves gen 2 full of holes, and the runtime later compacts
        // them on its own, with every thread stopped, at a moment nobody chose: in a tap storm, 5-9 ms a minute after
        // an update (docs/performance.md, "GC during a tap storm").
        using var lists = StoredLists.Open(DbPath, _time);
        lists.ApplyDenySnapshot(1, Enumerable.Range(1, 20_000).Select(i => Deny(i)).ToList());

        foreach (var (what, update) in new (string, Action)[]
                 {
                     ("deny snapshot", () => lists.ApplyDenySnapshot(2, Enumerable.Range(5_000, 20_000).Select(i => Deny(i)).ToList())),
                     ("deny delta", () => lists.ApplyDenyDelta(new DenyListDelta { FromVersion = 2, ToVersion = 3, Added = [Deny(1)], Removed = [new DenyKey(TestCards.Token(6_000))] })),
                     ("entitlement snapshot", () => lists.ApplyEntitlementSnapshot(1, [])),
                 })
        {
            var before = GC.GetGCMemoryInfo(GCKind.Any).Index;
            update();
            var last = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            Assert.Multiple(() =>
            {
                Assert.That(last.Index, Is.GreaterThan(before), $"{what}: no blocking full collection after it");
                Assert.That(last.Compacted, Is.True, $"{what}: the collection after it did not compact");
                Assert.That(last.GenerationInfo[2].FragmentationAfterBytes, Is.LessThan(1 << 20), $"{what}: gen 2 left fragmented");
            });
        }
    }
}
