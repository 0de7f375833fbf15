using System.Globalization;
using System.Text.Json;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Backoffice.Lists;

/// <summary>
/// The lists the back office publishes and the log of their changes. Every admin change is one new version of its
/// list; the log holds, per version, the entries added and the keys removed, so a delta since any version is the
/// log folded from there (the last change of a key wins).
/// </summary>
internal sealed class ListRepository
{
    private const string Versions = "listver";
    private const string Deny = "deny";
    private const string Entitlements = "ent";
    private const string Policy = "policy";
    private readonly Storage.BackofficeDatabase _database;

    public ListRepository(Storage.BackofficeDatabase database)
    {
        _database = database;
        foreach (var name in new[] { Versions, Deny, Entitlements, Policy }) database.EnsureCollection(name);
        ChangeLog(ListKind.Deny).EnsureIndex("v");
        ChangeLog(ListKind.Entitlements).EnsureIndex("v");
    }

    /// <summary>The newest version of each list; 0 for a list never published.</summary>
    public ListVersions CurrentVersions => new(Version(_database.Db, ListKind.Deny), Version(_database.Db, ListKind.Entitlements), Version(_database.Db, ListKind.Policy));

    /// <summary>The newest version of one list.</summary>
    public long CurrentVersion(ListKind kind) => Version(_database.Db, kind);

    public long AddDeny(IReadOnlyList<DenyEntry> entries)
    {
        foreach (var e in entries) DenyRow.From(e); // throws ArgumentException on a malformed expiry, before anything is written
        return Change(ListKind.Deny, (db, version) =>
        {
            var deny = db.GetCollection(Deny);
            var log = db.GetCollection(ChangeLogName(ListKind.Deny), BsonAutoId.Int64);
            foreach (var e in entries)
            {
                var json = JsonSerializer.Serialize(e, SyncJsonContext.Default.DenyEntry);
                deny.Upsert(new BsonDocument { ["_id"] = DenyKeyString(e.Key), ["json"] = json });
                log.Insert(new BsonDocument { ["v"] = version, ["k"] = DenyKeyString(e.Key), ["add"] = json });
            }
        });
    }

    public long RemoveDeny(IReadOnlyList<DenyKey> keys)
    {
        foreach (var k in keys) DenyRow.From(k);
        return Change(ListKind.Deny, (db, version) =>
        {
            var deny = db.GetCollection(Deny);
            var log = db.GetCollection(ChangeLogName(ListKind.Deny), BsonAutoId.Int64);
            foreach (var k in keys)
            {
                deny.Delete(DenyKeyString(k));
                log.Insert(new BsonDocument { ["v"] = version, ["k"] = DenyKeyString(k), ["remove"] = JsonSerializer.Serialize(k, SyncJsonContext.Default.DenyKey) });
            }
        });
    }

    public long PutEntitlements(IReadOnlyList<Entitlement> entitlements)
    {
        foreach (var e in entitlements) e.Validate();
        return Change(ListKind.Entitlements, (db, version) =>
        {
            var collection = db.GetCollection(Entitlements);
            var log = db.GetCollection(ChangeLogName(ListKind.Entitlements), BsonAutoId.Int64);
            foreach (var e in entitlements)
            {
                var json = JsonSerializer.Serialize(e, SyncJsonContext.Default.Entitlement);
                collection.Upsert(new BsonDocument { ["_id"] = e.Id, ["json"] = json });
                log.Insert(new BsonDocument { ["v"] = version, ["k"] = e.Id, ["add"] = json });
            }
        });
    }

    public long RemoveEntitlements(IReadOnlyList<string> ids) => Change(ListKind.Entitlements, (db, version) =>
    {
        var collection = db.GetCollection(Entitlements);
        var log = db.GetCollection(ChangeLogName(ListKind.Entitlements), BsonAutoId.Int64);
        foreach (var id in ids)
        {
            collection.Delete(id);
            log.Insert(new BsonDocument { ["v"] = version, ["k"] = id, ["remove"] = id });
        }
    });

    public long PutPolicy(FarePolicy policy)
    {
        if (policy.Products is null || policy.Products.Contains(null!)) throw new ArgumentException("The policy's products must be a list without null entries.", nameof(policy));
        _ = ListSnapshot.Empty.With(policy, ListStamp.None); // an unknown time zone is refused here, not on every device
        return Change(ListKind.Policy, (db, _) =>
            db.GetCollection(Policy).Upsert(new BsonDocument { ["_id"] = "current", ["json"] = JsonSerializer.Serialize(policy, SyncJsonContext.Default.FarePolicy) }));
    }

    /// <summary>Every deny entry as its stored JSON, one at a time (a million-entry list is never held whole).</summary>
    public IEnumerable<string> DenySnapshotJson() => _database.Db.GetCollection(Deny).FindAll().Select(d => d["json"].AsString);

    /// <summary>Every entitlement as its stored JSON, one at a time.</summary>
    public IEnumerable<string> EntitlementSnapshotJson() => _database.Db.GetCollection(Entitlements).FindAll().Select(d => d["json"].AsString);

    public FarePolicy PolicySnapshot()
    {
        var doc = _database.Db.GetCollection(Policy).FindById("current");
        return doc is null ? FarePolicy.Default : JsonSerializer.Deserialize(doc["json"].AsString, SyncJsonContext.Default.FarePolicy)!;
    }

    /// <summary>How many logged changes a delta from <paramref name="since"/> to <paramref name="upTo"/> would fold.</summary>
    public int ChangesSince(ListKind kind, long since, long upTo) => ChangeLog(kind).Count(Range(since, upTo));

    /// <summary>
    /// The changes after <paramref name="since"/> up to <paramref name="upTo"/>, folded: per key the last change wins.
    /// Bounded above so a change committed while the package is built waits for the next one instead of slipping into
    /// a package that names the older version.
    /// </summary>
    public (List<string> Added, List<string> Removed) FoldChanges(ListKind kind, long since, long upTo)
    {
        var last = new Dictionary<string, BsonDocument>(StringComparer.Ordinal);
        foreach (var change in ChangeLog(kind).Find(Range(since, upTo)).OrderBy(c => c["_id"].AsInt64)) last[change["k"].AsString] = change;
        var added = last.Values.Where(c => c["add"].IsString).Select(c => c["add"].AsString).ToList();
        var removed = last.Values.Where(c => c["remove"].IsString).Select(c => c["remove"].AsString).ToList();
        return (added, removed);
    }

    private static BsonExpression Range(long since, long upTo) => Query.And(Query.GT("v", since), Query.LTE("v", upTo));

    private ILiteCollection<BsonDocument> ChangeLog(ListKind kind) => _database.Db.GetCollection(ChangeLogName(kind), BsonAutoId.Int64);

    private static string ChangeLogName(ListKind kind) => "chg_" + kind.ToSegment();

    private long Change(ListKind kind, Action<LiteDatabase, long> change) => _database.Write(db =>
    {
        var version = Version(db, kind) + 1;
        change(db, version);
        db.GetCollection(Versions).Upsert(new BsonDocument { ["_id"] = kind.ToSegment(), ["v"] = version });
        return version;
    });

    private static long Version(LiteDatabase db, ListKind kind) => db.GetCollection(Versions).FindById(kind.ToSegment())?["v"].AsInt64 ?? 0;

    private static string DenyKeyString(DenyKey key) =>
        key.Token + "|" + (key.Expiry ?? "") + "|" + (key.Psn?.ToString(CultureInfo.InvariantCulture) ?? "");
}
