using Microsoft.Extensions.Time.Testing;
using Validator.Core.Lists;
using Validator.Fares.Tests.Fares;
using Validator.Storage.Lists;

namespace Validator.Fares.Tests.Storage;

/// <summary>Damage the fuzzer found passing as a good store or escaping as another exception; each is now a <see cref="ListStoreCorruptException"/>.</summary>
[TestFixture]
public class DamagedListStoreTests
{
    private TempDirectory _dir = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 10, 5, 5, 0, 0, TimeSpan.Zero));

    private string DbPath => _dir.File("lists.db");

    [SetUp]
    public void CreateDirectory() => _dir = new TempDirectory();

    [TearDown]
    public void RemoveDirectory() => _dir.Dispose();

    private static Entitlement Pass(int i) => FareWorld.StudentPass("pass-" + i, token: TestCards.Token(i));

    [Test]
    public void Entitlements_lost_from_the_file_are_noticed_not_served_as_a_shorter_list()
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyEntitlementSnapshot(1, Enumerable.Range(1, 20_000).Select(Pass));
            lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 1, ToVersion = 2, Added = [Pass(20_001), Pass(5)], Removed = ["pass-1", "pass-99999"] });
        }
        using (var reopened = StoredLists.Open(DbPath, _time))
        {
            Assert.That(reopened.Live.Current.Entitlements.Count, Is.EqualTo(20_000), "the delta's count: +20001, 5 replaced, -1, 99999 was never there");
        }
        // A lost page, as LiteDB (no page checksums) would read it: a chunk silently gone, in the second batch the load reads.
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            var chunks = db.GetCollection("entc_1");
            Assert.That(chunks.Count(), Is.GreaterThan(17), "the list spans more chunks than one read takes");
            chunks.Delete(17);
        }

        Assert.That(() => StoredLists.Open(DbPath, _time).Dispose(),
            Throws.TypeOf<ListStoreCorruptException>().With.Message.Contains("its header says 20000"));
    }

    [Test]
    public void A_load_that_does_not_finish_in_time_is_reported_as_damage()
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyEntitlementSnapshot(1, Enumerable.Range(1, 5000).Select(Pass));
        }

        // LiteDB can spin forever on a damaged index; a load that outlives its time limit counts as damage.
        Assert.That(() => StoredLists.Open(DbPath, _time, TimeSpan.FromTicks(1)).Dispose(),
            Throws.TypeOf<ListStoreCorruptException>().With.Message.Contains("did not finish"));
    }

    [Test]
    public void An_entitlement_with_null_lines_or_zones_is_refused_with_an_argument_error_and_nothing_changes()
    {
        using var lists = StoredLists.Open(DbPath, _time);
        lists.ApplyEntitlementSnapshot(1, [Pass(1)]);
        var before = lists.Live.Current;

        Assert.That(() => lists.ApplyEntitlementSnapshot(2, [Pass(2) with { Lines = null! }]), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 1, ToVersion = 2, Added = [Pass(3) with { Zones = [null!] }] }), Throws.InstanceOf<ArgumentException>());
        Assert.That(lists.Live.Current, Is.SameAs(before));
    }

    [TestCase("entc_1", 0, "rows", false, "fails its checksum", TestName = "A changed byte inside an entitlement chunk is noticed, not served as another pass")]
    [TestCase("entdelta_1", 2L, "add", false, "fails its checksum", TestName = "A changed byte inside an entitlement delta is noticed, not served as another pass")]
    [TestCase("entc_1", 0, "rows", true, "lost its checksum", TestName = "An entitlement chunk that lost its checksum field is noticed, not served unchecked")]
    [TestCase("entdelta_1", 2L, "add", true, "lost its checksum", TestName = "An entitlement delta that lost its checksum field is noticed, not served unchecked")]
    public void A_changed_byte_inside_the_entitlements_is_noticed(string collection, object id, string field, bool dropChecksum, string message)
    {
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyEntitlementSnapshot(1, Enumerable.Range(1, 50).Select(Pass));
            lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 1, ToVersion = 2, Added = [Pass(77)], Removed = ["pass-3"] });
        }
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            var documents = db.GetCollection(collection);
            var doc = documents.FindById(new LiteDB.BsonValue(id));
            var bytes = doc[field].AsBinary;
            bytes[10] ^= 0x10;
            doc[field] = bytes;
            if (dropChecksum) doc.Remove("h");
            documents.Update(doc);
        }

        Assert.That(() => StoredLists.Open(DbPath, _time).Dispose(), Throws.TypeOf<ListStoreCorruptException>().With.Message.Contains(message));
    }

    [Test]
    public void Text_that_is_not_valid_unicode_is_refused_not_stored_changed()
    {
        using var lists = StoredLists.Open(DbPath, _time);
        lists.ApplyEntitlementSnapshot(1, [Pass(1)]);
        var before = lists.Live.Current;

        Assert.That(() => lists.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 1, ToVersion = 2, Added = [Pass(2) with { Id = "pass-\uD800" }] }), Throws.InstanceOf<ArgumentException>());
        Assert.That(lists.Live.Current, Is.SameAs(before));
    }

    [TestCase(false, TestName = "A changed byte inside a deny list chunk is noticed, not served as another card")]
    [TestCase(true, TestName = "A changed byte inside a deny list delta is noticed, not served as another card")]
    public void A_changed_byte_inside_the_deny_list_is_noticed(bool inDelta)
    {
        DenyEntry Deny(int i) => new() { Token = TestCards.Token(i), Reason = DenyReason.Lost, AddedAt = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero) };
        using (var lists = StoredLists.Open(DbPath, _time))
        {
            lists.ApplyDenySnapshot(1, Enumerable.Range(1, 50).Select(Deny));
            lists.ApplyDenyDelta(new DenyListDelta { FromVersion = 1, ToVersion = 2, Added = [Deny(77)], Removed = [Deny(3).Key] });
        }
        // What a flipped bit on the card looks like to LiteDB: a valid document with another value.
        using (var db = new LiteDB.LiteDatabase($"Filename={DbPath};Connection=direct"))
        {
            var documents = db.GetCollection(inDelta ? "denydelta_1" : "deny_1");
            var doc = documents.FindById(inDelta ? new LiteDB.BsonValue(2L) : new LiteDB.BsonValue(0));
            var field = inDelta ? "add" : "rows";
            var bytes = doc[field].AsBinary;
            bytes[3] ^= 0x10;
            doc[field] = bytes;
            documents.Update(doc);
        }

        Assert.That(() => StoredLists.Open(DbPath, _time).Dispose(), Throws.TypeOf<ListStoreCorruptException>().With.Message.Contains("fails its checksum"));
    }
}
