using System.Globalization;
using LiteDB;
using Validator.Core.Cards;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// The lists in one LiteDB file, the source of truth the in-memory indexes are built from.
/// A full snapshot is written into a fresh collection and then switched to by one small transaction on the
/// meta document; a delta is one transaction. Either way a crash leaves the old version or the new one.
/// One instance per file per process (LiteDB direct mode); writes are serialised by the caller.
/// </summary>
public sealed class LiteDbListStore : IDisposable
{
    private const string MetaCollection = "meta";
    private const string PolicyCollection = "policy";
    private const string DenyPrefix = "deny_";
    private const string EntitlementPrefix = "ent_";
    private const string DenyMeta = "deny";
    private const string EntitlementMeta = "entitlements";
    private const string PolicyMeta = "policy";
    private const int BatchSize = 5000;

    private readonly LiteDatabase _db;

    private LiteDbListStore(LiteDatabase db, string path)
    {
        _db = db;
        StorePath = path;
    }

    /// <summary>The database file.</summary>
    public string StorePath { get; }

    /// <summary>Opens (or creates) the list database; throws <see cref="ListStoreCorruptException"/> when the file cannot be read.</summary>
    public static LiteDbListStore Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // LiteDB 5.0.21 silently re-initialises a short file that is not a database (measured: a 22-byte text file
        // became an empty 8 KiB database), so the header is checked before LiteDB may touch the file.
        var header = LiteDbHeader.Check(path);
        if (header is not null) throw new ListStoreCorruptException(path, header);
        LiteDatabase? db = null;
        try
        {
            db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
            var store = new LiteDbListStore(db, path);
            store.DropUnusedGenerations();
            return store;
        }
        catch (Exception e) when (e is LiteException or FormatException or InvalidCastException or InvalidOperationException or IndexOutOfRangeException or ArgumentException or IOException)
        {
            db?.Dispose();
            throw new ListStoreCorruptException(path, e.Message, e);
        }
    }

    /// <summary>Reads every list and builds the in-memory snapshot; throws <see cref="ListStoreCorruptException"/> on a damaged list.</summary>
    public ListSnapshot LoadSnapshot()
    {
        try
        {
            var deny = ReadStamp(DenyMeta, out var denyGeneration);
            var entitlements = ReadStamp(EntitlementMeta, out var entitlementGeneration);
            var policyStamp = ReadStamp(PolicyMeta, out _);
            var denyList = deny.Version == 0 ? DenyList.Empty : LoadDenyList(denyGeneration);
            var entitlementIndex = entitlements.Version == 0 ? EntitlementIndex.Empty : LoadEntitlements(entitlementGeneration);
            var policy = policyStamp.Version == 0 ? FarePolicy.Default : LoadPolicy();
            return new ListSnapshot(denyList, deny, entitlementIndex, entitlements, policy, policyStamp);
        }
        catch (Exception e) when (e is LiteException or FormatException or InvalidCastException or InvalidOperationException or IndexOutOfRangeException or ArgumentException)
        {
            throw new ListStoreCorruptException(StorePath, e.Message, e);
        }
    }

    /// <summary>Version and update time of the deny list.</summary>
    public ListStamp DenyStamp => ReadStamp(DenyMeta, out _);

    /// <summary>Version and update time of the entitlements.</summary>
    public ListStamp EntitlementStamp => ReadStamp(EntitlementMeta, out _);

    /// <summary>Version and update time of the policy.</summary>
    public ListStamp PolicyStamp => ReadStamp(PolicyMeta, out _);

    /// <summary>Replaces the whole deny list with <paramref name="entries"/> as <paramref name="version"/>.</summary>
    public void WriteDenySnapshot(long version, IEnumerable<DenyEntry> entries, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(entries);
        WriteGeneration(DenyMeta, DenyPrefix, version, at, entries.Select(DenyDocuments.ToDocument));
    }

    /// <summary>Applies a deny list delta in one transaction; refused (nothing written) unless the stored version is its from-version.</summary>
    public ListUpdateResult ApplyDenyDelta(DenyListDelta delta, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return InTransaction(DenyMeta, delta.FromVersion, delta.ToVersion, at, generation =>
        {
            var collection = _db.GetCollection(DenyPrefix + generation.ToString(CultureInfo.InvariantCulture));
            foreach (var key in delta.Removed) collection.Delete(DenyDocuments.Key(key));
            foreach (var entry in delta.Added) collection.Upsert(DenyDocuments.ToDocument(entry));
        });
    }

    /// <summary>All stored entries for one card (every issue), with their added-at times; a parameterised range query on the key.</summary>
    public IReadOnlyList<DenyEntry> FindDenyEntries(CardToken token)
    {
        ReadStamp(DenyMeta, out var generation);
        var (from, to) = DenyDocuments.TokenRange(token);
        return _db.GetCollection(DenyPrefix + generation.ToString(CultureInfo.InvariantCulture))
            .Find(Query.Between("_id", from, to))
            .Select(DenyDocuments.ToEntry)
            .ToList();
    }

    /// <summary>Replaces all entitlements with <paramref name="entitlements"/> as <paramref name="version"/>.</summary>
    public void WriteEntitlementSnapshot(long version, IEnumerable<Entitlement> entitlements, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        WriteGeneration(EntitlementMeta, EntitlementPrefix, version, at, entitlements.Select(EntitlementDocuments.ToDocument));
    }

    /// <summary>Applies an entitlement delta in one transaction; refused (nothing written) unless the stored version is its from-version.</summary>
    public ListUpdateResult ApplyEntitlementDelta(EntitlementDelta delta, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return InTransaction(EntitlementMeta, delta.FromVersion, delta.ToVersion, at, generation =>
        {
            var collection = _db.GetCollection(EntitlementPrefix + generation.ToString(CultureInfo.InvariantCulture));
            foreach (var id in delta.Removed) collection.Delete(new BsonValue(id));
            foreach (var e in delta.Added) collection.Upsert(EntitlementDocuments.ToDocument(e));
        });
    }

    /// <summary>Stores <paramref name="policy"/> as <paramref name="version"/> in one transaction.</summary>
    public void WritePolicy(long version, FarePolicy policy, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!_db.BeginTrans()) throw new InvalidOperationException("A list store transaction is already open on this thread.");
        try
        {
            _db.GetCollection(PolicyCollection).Upsert(PolicyDocuments.ToDocument(policy));
            WriteStamp(PolicyMeta, version, at, 0);
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();

    private void WriteGeneration(string list, string prefix, long version, DateTimeOffset at, IEnumerable<BsonDocument> documents)
    {
        ReadStamp(list, out var current);
        var next = current + 1;
        var name = prefix + next.ToString(CultureInfo.InvariantCulture);
        // Left over from a write that crashed before its switch; nothing points at it.
        _db.DropCollection(name);
        // Not one giant transaction: the new collection is invisible until the meta switch below, so batches may commit on their own.
        _db.GetCollection(name).InsertBulk(documents, BatchSize);

        if (!_db.BeginTrans()) throw new InvalidOperationException("A list store transaction is already open on this thread.");
        try
        {
            WriteStamp(list, version, at, next);
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            _db.DropCollection(name);
            throw;
        }
        _db.DropCollection(prefix + current.ToString(CultureInfo.InvariantCulture));
    }

    private ListUpdateResult InTransaction(string list, long fromVersion, long toVersion, DateTimeOffset at, Action<int> change)
    {
        if (toVersion <= fromVersion) throw new ArgumentException($"A delta must move the version forward ({fromVersion} -> {toVersion}).");
        if (!_db.BeginTrans()) throw new InvalidOperationException("A list store transaction is already open on this thread.");
        try
        {
            var stamp = ReadStamp(list, out var generation);
            if (stamp.Version != fromVersion)
            {
                _db.Rollback();
                return new ListUpdateResult(ListUpdateStatus.VersionMismatch, stamp.Version);
            }
            change(generation);
            WriteStamp(list, toVersion, at, generation);
            _db.Commit();
            return new ListUpdateResult(ListUpdateStatus.Applied, toVersion);
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    private ListStamp ReadStamp(string list, out int generation)
    {
        var doc = _db.GetCollection(MetaCollection).FindById(list);
        if (doc is null)
        {
            generation = 0;
            return ListStamp.None;
        }
        if (!doc["v"].IsInt64 || !doc["at"].IsInt64 || !doc["g"].IsInt32) throw new FormatException($"the version record of list '{list}' is malformed");
        generation = doc["g"].AsInt32;
        return new ListStamp(doc["v"].AsInt64, new DateTimeOffset(doc["at"].AsInt64, TimeSpan.Zero));
    }

    private void WriteStamp(string list, long version, DateTimeOffset at, int generation) =>
        _db.GetCollection(MetaCollection).Upsert(new BsonDocument
        {
            ["_id"] = list,
            ["v"] = version,
            ["at"] = at.UtcTicks,
            ["g"] = generation,
        });

    private DenyList LoadDenyList(int generation)
    {
        var name = DenyPrefix + generation.ToString(CultureInfo.InvariantCulture);
        if (!_db.CollectionExists(name)) throw new FormatException($"the deny list collection '{name}' is missing");
        var collection = _db.GetCollection(name);
        var rows = new DenyRow[collection.Count()];
        var n = 0;
        foreach (var doc in collection.FindAll())
        {
            if (n == rows.Length) Array.Resize(ref rows, Math.Max(16, rows.Length * 2));
            rows[n++] = DenyDocuments.ToRow(doc);
        }
        return DenyList.FromUnsorted(rows, n);
    }

    private EntitlementIndex LoadEntitlements(int generation)
    {
        var name = EntitlementPrefix + generation.ToString(CultureInfo.InvariantCulture);
        if (!_db.CollectionExists(name)) throw new FormatException($"the entitlement collection '{name}' is missing");
        var pool = new StringPool();
        return EntitlementIndex.Build(_db.GetCollection(name).FindAll().Select(doc => EntitlementDocuments.ToEntitlement(doc, pool)));
    }

    private FarePolicy LoadPolicy() =>
        PolicyDocuments.ToPolicy(_db.GetCollection(PolicyCollection).FindById("current") ?? throw new FormatException("the policy document is missing"));

    private void DropUnusedGenerations()
    {
        ReadStamp(DenyMeta, out var deny);
        ReadStamp(EntitlementMeta, out var entitlements);
        var keep = new HashSet<string>(StringComparer.Ordinal)
        {
            DenyPrefix + deny.ToString(CultureInfo.InvariantCulture),
            EntitlementPrefix + entitlements.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var name in _db.GetCollectionNames().ToList())
        {
            var generational = name.StartsWith(DenyPrefix, StringComparison.Ordinal) || name.StartsWith(EntitlementPrefix, StringComparison.Ordinal);
            if (generational && !keep.Contains(name)) _db.DropCollection(name);
        }
    }
}
