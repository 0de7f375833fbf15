using System.Globalization;
using LiteDB;
using Validator.Core.Lists;
using Validator.Storage.Journal;

namespace Validator.Storage.Lists;

/// <summary>
/// The lists in one LiteDB file, the source of truth the in-memory indexes are built from.
/// A full snapshot is written into fresh collections and then switched to by one small transaction on the list's
/// meta record; a delta is one transaction. Either way a crash leaves the old version or the new one, never a mix.
/// One instance per file per process (LiteDB direct mode); writes are serialised by the caller.
/// </summary>
public sealed class LiteDbListStore : IDisposable
{
    private const string MetaCollection = "meta";
    private const string PolicyCollection = "policy";
    private const string DenyPrefix = "deny_";
    private const string DenyDeltaPrefix = "denydelta_";
    private const string EntitlementChunkPrefix = "entc_";
    private const string EntitlementDeltaPrefix = "entdelta_";

    /// <summary>Entitlements one document each, as files written before the packed form hold them; read, and repacked before a delta.</summary>
    private const string EntitlementDocumentPrefix = "ent_";
    private const string DenyMeta = "deny";
    private const string EntitlementMeta = "entitlements";
    private const string PolicyMeta = "policy";
    private const int ChunksPerRead = 16;

    /// <summary>Chunks per write transaction: a transaction keeps its dirty pages in memory until it commits (16 chunks are ~1 MB).</summary>
    private const int ChunksPerWrite = 16;
    private const int DocumentsPerRead = 2000;
    private const int CheckpointPages = 64;

    /// <summary>Past this many stored deltas a list is rewritten as a new base (see <see cref="DenyCompactionDue"/>).</summary>
    private const int MaxDeltas = 64;

    /// <summary>The CRC-32C of a list record's packed bytes.</summary>
    private const string HashField = "h";

    private readonly LiteDatabase _db;

    private LiteDbListStore(LiteDatabase db, string path)
    {
        _db = db;
        StorePath = path;
    }

    /// <summary>The database file.</summary>
    public string StorePath { get; }

    /// <summary>Version and update time of the deny list.</summary>
    public ListStamp DenyStamp => Guarded(() => ReadMeta(DenyMeta).Stamp);

    /// <summary>Version and update time of the entitlements.</summary>
    public ListStamp EntitlementStamp => Guarded(() => ReadMeta(EntitlementMeta).Stamp);

    /// <summary>Version and update time of the policy.</summary>
    public ListStamp PolicyStamp => Guarded(() => ReadMeta(PolicyMeta).Stamp);

    /// <summary>Which generation holds the deny list; a new one is started by every full write.</summary>
    internal int DenyGeneration => ReadMeta(DenyMeta).Generation;

    /// <summary>
    /// True when enough deltas have piled up on the deny list's base that loading replays more than it should:
    /// the caller then rewrites the list as a new base (<see cref="CompactDenyList"/>).
    /// </summary>
    public bool DenyCompactionDue => CompactionDue(ReadMeta(DenyMeta));

    /// <summary>As <see cref="DenyCompactionDue"/> for the entitlements; the caller rewrites them with <see cref="WriteEntitlementSnapshot"/>.</summary>
    public bool EntitlementCompactionDue => CompactionDue(ReadMeta(EntitlementMeta));

    /// <summary>True when the entitlements are still stored one document each (a file written before the packed form); a delta needs them repacked first.</summary>
    public bool EntitlementsNeedRepacking => ReadMeta(EntitlementMeta) is { Generation: > 0 } meta && EntitlementsInDocuments(meta);

    private static bool CompactionDue(ListMeta meta) => meta.Deltas >= MaxDeltas || meta.DeltaRows > Math.Max(1000, meta.BaseCount / 8);

    /// <summary>
    /// Rewrites the deny list (base and deltas) as a new base generation at the version in force, and returns it as an
    /// index without added-at times: the store's content read once with every field, written, and kept.
    /// </summary>
    public DenyList CompactDenyList(DateTimeOffset at)
    {
        var meta = ReadMeta(DenyMeta);
        var full = LoadDenyList(keepAddedTimes: true);
        WriteDenySnapshot(meta.Version, full, at);
        return full.WithoutAddedTimes();
    }

    /// <summary>Opens (or creates) the list database; throws <see cref="ListStoreCorruptException"/> when the file cannot be read.</summary>
    public static LiteDbListStore Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // LiteDB 5.0.21 silently re-initialises a short file that is not a database (measured: a 60-byte text file
        // became an empty 8 KiB database), so the header is checked before LiteDB may touch the file.
        var header = LiteDbHeader.Check(path);
        if (header is not null) throw new ListStoreCorruptException(path, header);
        LiteDatabase? db = null;
        try
        {
            db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
            // LiteDB keeps the pages of its write-ahead log in memory until a checkpoint copies them into the file; at
            // its default of 1,000 pages a million-entry write held 13 MB more (measured), at 64 pages (512 KB) it holds none to speak of.
            if (db.CheckpointSize != CheckpointPages) db.CheckpointSize = CheckpointPages;
            var store = new LiteDbListStore(db, path);
            store.DropUnusedGenerations();
            return store;
        }
        catch (Exception e) when (IsDamage(e) || e is IOException)
        {
            if (db is not null) KeepAfterDamage(db);
            db?.Dispose();
            throw new ListStoreCorruptException(path, e.Message, e);
        }
    }

    /// <summary>
    /// Keeps a database that met damage reachable for the life of the process. LiteDB 5.0.21 leaves a read's
    /// transaction open when the read fails while taking its snapshot ("page type must be collection page"), and once
    /// the database is disposed that transaction's finalizer releases pages already released and throws on the
    /// finalizer thread, which ends the process (found by fuzzing: exit 134 a few collections after the damage was
    /// reported). Held here, the transaction is never finalized. A damaged store is set aside once, so this holds a
    /// handful of disposed databases at most; past <see cref="MaxKeptAfterDamage"/> the oldest go.
    /// </summary>
    private static void KeepAfterDamage(LiteDatabase db)
    {
        lock (KeptAfterDamage)
        {
            KeptAfterDamage.Enqueue(db);
            while (KeptAfterDamage.Count > MaxKeptAfterDamage) KeptAfterDamage.Dequeue();
        }
    }

    private const int MaxKeptAfterDamage = 4096;
    private static readonly Queue<LiteDatabase> KeptAfterDamage = new();

    /// <summary>Reads the policy and stamps; the indexes come from <see cref="LoadDenyList()"/> and <see cref="LoadEntitlements"/>.</summary>
    public ListSnapshot LoadSnapshot() => Guarded(() => new ListSnapshot(
        LoadDenyList(), ReadMeta(DenyMeta).Stamp, LoadEntitlements(), ReadMeta(EntitlementMeta).Stamp, LoadPolicy(), ReadMeta(PolicyMeta).Stamp));

    /// <summary>
    /// Builds the deny list index (without the added-at times, which stay in the file): the generation's base, then its
    /// deltas in order. Throws <see cref="ListStoreCorruptException"/> on damage.
    /// </summary>
    public DenyList LoadDenyList() => LoadDenyList(keepAddedTimes: false);

    /// <summary>The deny list as stored, every field included, in key order. Throws <see cref="ListStoreCorruptException"/> on damage.</summary>
    public IReadOnlyList<DenyEntry> ReadDenyEntries() => Guarded(() => LoadDenyList(keepAddedTimes: true).Entries.ToList());

    /// <summary>As <see cref="LoadDenyList()"/>; with <paramref name="keepAddedTimes"/> the list keeps the times (8 bytes more a row).</summary>
    public DenyList LoadDenyList(bool keepAddedTimes) => Guarded(() =>
    {
        var meta = ReadMeta(DenyMeta);
        if (meta.Generation == 0) return DenyList.Empty;
        var list = LoadBase(meta.Generation, meta.BaseCount, keepAddedTimes);

        foreach (var (add, del) in Deltas(DenyDeltaPrefix, meta, "deny list", hashRequired: false)) list = list.Apply(DenyChunks.Unpack(add), DenyChunks.UnpackKeys(del));
        return list;
    });

    /// <summary>The base rows of deny generation <paramref name="generation"/> (<paramref name="count"/> of them) as a list, deltas not applied.</summary>
    private DenyList LoadBase(int generation, int count, bool keepAddedTimes)
    {
        var chunks = ExistingCollection(DenyPrefix, generation);
        // Unpacked straight into the list's own memory: no staging array beside it.
        var builder = new DenyListBuilder(count);
        var expected = (count + DenyChunks.RowsPerChunk - 1) / DenyChunks.RowsPerChunk;
        for (var first = 0; first < expected; first += ChunksPerRead)
        {
            // Separate bounded queries: a single query pins every page it read in LiteDB's cache until it ends
            // (measured: 29 MB for a million entries' chunks, 14 MB read this way).
            foreach (var chunk in ChunkBatch(chunks, first))
            {
                CheckHash(chunk, required: false, "rows");
                DenyChunks.Unpack(Binary(chunk, "rows"), builder, count);
            }
        }
        if (builder.Count != count) throw new FormatException($"the deny list holds {builder.Count} rows, its header says {count}");
        return builder.Build(keepAddedTimes);
    }

    /// <summary>Builds the entitlement index: the generation's base with its deltas. Throws <see cref="ListStoreCorruptException"/> on damage.</summary>
    public EntitlementIndex LoadEntitlements() => Guarded(() =>
    {
        var meta = ReadMeta(EntitlementMeta);
        if (meta.Generation == 0) return EntitlementIndex.Empty;
        var index = EntitlementsInDocuments(meta)
            ? EntitlementIndex.Build(InKeyOrder(ExistingCollection(EntitlementDocumentPrefix, meta.Generation)).Select(EntitlementDocuments.ToEntitlement))
            : LoadPackedEntitlements(meta);
        if (meta.Count is { } count && index.Count != count)
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the entitlements hold {index.Count} entries, their header says {count}"));
        return index;
    });

    private bool EntitlementsInDocuments(ListMeta meta) =>
        !_db.CollectionExists(EntitlementChunkPrefix + Number(meta.Generation)) && _db.CollectionExists(EntitlementDocumentPrefix + Number(meta.Generation));

    private EntitlementIndex LoadPackedEntitlements(ListMeta meta)
    {
        var strings = new EntitlementChunks.StringCache();
        // The deltas first, folded into what they add and what they take away, so the index is packed once rather than once a delta.
        var added = new Dictionary<string, Entitlement>(StringComparer.Ordinal);
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (add, del) in Deltas(EntitlementDeltaPrefix, meta, "entitlement", hashRequired: true))
        {
            foreach (var id in EntitlementChunks.UnpackIds(del))
            {
                added.Remove(id);
                gone.Add(id);
            }
            foreach (var e in EntitlementChunks.Unpack(add, strings))
            {
                added[e.Id] = e;
                gone.Add(e.Id);
            }
        }

        var baseCount = 0;
        var index = EntitlementIndex.Build(Base().Concat(added.Values), meta.Count ?? meta.BaseCount);
        if (baseCount != meta.BaseCount) throw new FormatException($"the entitlements' base holds {baseCount} entries, its header says {meta.BaseCount}");
        return index;

        IEnumerable<Entitlement> Base()
        {
            var chunks = ExistingCollection(EntitlementChunkPrefix, meta.Generation);
            for (var first = 0; ; first += ChunksPerRead)
            {
                // Bounded queries, as for the deny list: one query over all chunks would pin every page it read in the cache.
                var batch = ChunkBatch(chunks, first);
                foreach (var chunk in batch)
                {
                    CheckHash(chunk, required: true, "rows");
                    foreach (var e in EntitlementChunks.Unpack(Binary(chunk, "rows"), strings))
                    {
                        baseCount++;
                        if (!gone.Contains(e.Id)) yield return e;
                    }
                }
                // A chunk lost from the middle ends the read early: the count check above then says so.
                if (batch.Count < ChunksPerRead) yield break;
            }
        }
    }

    /// <summary>Writes <paramref name="list"/> as a new base generation of the deny list at <paramref name="version"/> and switches to it.</summary>
    public void WriteDenySnapshot(long version, DenyList list, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (!list.HasAddedTimes) throw new ArgumentException("The store keeps every field of a deny entry; this list has no added-at times.", nameof(list));
        var next = ReadMeta(DenyMeta).Generation + 1;
        WriteGeneration(DenyMeta, [DenyPrefix, DenyDeltaPrefix], next, collection => InsertChunks(collection, Chunks(list)), new ListMeta(version, at, next, list.Count, version));
    }

    /// <summary>Inserts <paramref name="chunks"/> in explicit transactions of a few each: a transaction keeps its dirty pages in memory until it commits.</summary>
    private void InsertChunks(ILiteCollection<BsonDocument> collection, IEnumerable<BsonDocument> chunks)
    {
        using var each = chunks.GetEnumerator();
        var more = true;
        while (more)
        {
            Transaction(() =>
            {
                for (var i = 0; i < ChunksPerWrite && (more = each.MoveNext()); i++) collection.Insert(each.Current);
            });
        }
    }

    /// <summary>
    /// Streams a full snapshot of <paramref name="count"/> rows into a new base generation of the deny list at
    /// <paramref name="version"/>, switches to it, and returns its index without added-at times. Rows are stored in the
    /// order they come, each chunk with its added-at times, while the index is filled beside them at 20 bytes a row:
    /// the times (8 MB a million) are never held in memory, nor the list a second time. Loading sorts the rows again.
    /// Throws <see cref="ArgumentException"/> on a malformed row or when the stream holds another number of rows than
    /// <paramref name="count"/>; the half-written generation is then dropped and the old one stays in force.
    /// </summary>
    public DenyList WriteDenySnapshot(long version, IEnumerable<DenyRow> rows, int count, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var index = new DenyListBuilder(count, keepAddedTimes: false);
        var next = ReadMeta(DenyMeta).Generation + 1;
        DenyList? list = null;
        WriteGeneration(DenyMeta, [DenyPrefix, DenyDeltaPrefix], next, collection =>
        {
            InsertChunks(collection, Chunks(rows, index, count));
            if (index.Count != count) throw new ArgumentException($"The deny list holds {index.Count} entries, not the {count} it states.", nameof(rows));
            // Settled before the switch, so a failure here leaves the old generation in force in the file as in memory.
            // A key listed twice is settled by the added-at times, which only the new generation holds: read back as at
            // start-up (the index's own rows were handed back when it found the repeat).
            list = index.TryBuildUnique(out var unique) ? unique : LoadBase(next, count, keepAddedTimes: false);
        }, new ListMeta(version, at, next, count, version));
        return list!;
    }

    /// <summary>Stores a deny list delta in one transaction; refused (nothing written) unless the stored version is its from-version.</summary>
    public ListUpdateResult ApplyDenyDelta(DenyListDelta delta, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var added = delta.Added.Select(DenyRow.From).ToArray();
        return InTransaction(DenyMeta, delta.FromVersion, delta.ToVersion, meta =>
        {
            InsertDelta(DenyDeltaPrefix, meta, delta.FromVersion, delta.ToVersion, DenyChunks.Pack(added), DenyChunks.PackKeys(delta.Removed));
            return meta with { Version = delta.ToVersion, UpdatedAt = at, Deltas = meta.Deltas + 1, DeltaRows = meta.DeltaRows + added.Length + delta.Removed.Count };
        });
    }

    /// <summary>
    /// Replaces all entitlements with <paramref name="entitlements"/> as <paramref name="version"/>, written as packed
    /// chunks into a new generation and switched to. An index, so the ids are known to be unique and every entry usable.
    /// </summary>
    public void WriteEntitlementSnapshot(long version, EntitlementIndex entitlements, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        var next = ReadMeta(EntitlementMeta).Generation + 1;
        WriteGeneration(EntitlementMeta, [EntitlementChunkPrefix, EntitlementDeltaPrefix, EntitlementDocumentPrefix], next,
            collection => InsertChunks(collection, EntitlementChunks.Pack(entitlements.All).Select((packed, id) => Chunk(id, packed))),
            new ListMeta(version, at, next, entitlements.Count, version) { Count = entitlements.Count });
    }

    /// <summary>
    /// Stores an entitlement delta in one transaction; refused (nothing written) unless the stored version is its
    /// from-version. <paramref name="countAfter"/> is how many entitlements the list holds with it applied, checked on load.
    /// </summary>
    public ListUpdateResult ApplyEntitlementDelta(EntitlementDelta delta, int countAfter, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (EntitlementsNeedRepacking) throw new InvalidOperationException("The entitlements are stored one document each; write them as a snapshot before a delta.");
        // Packed (and so checked) before anything is written: a malformed entry changes nothing.
        var add = EntitlementChunks.PackAll(delta.Added);
        var del = EntitlementChunks.PackIds(delta.Removed);
        return InTransaction(EntitlementMeta, delta.FromVersion, delta.ToVersion, meta =>
        {
            InsertDelta(EntitlementDeltaPrefix, meta, delta.FromVersion, delta.ToVersion, add, del);
            return meta with
            {
                Version = delta.ToVersion, UpdatedAt = at, Deltas = meta.Deltas + 1, DeltaRows = meta.DeltaRows + delta.Added.Count + delta.Removed.Count, Count = countAfter,
            };
        });
    }

    /// <summary>
    /// Chunks <paramref name="first"/> to <paramref name="first"/> + <see cref="ChunksPerRead"/> - 1 in order. On a
    /// damaged file LiteDB's own reader can fail with a NullReferenceException inside this query (found by fuzzing):
    /// that is damage here, and only here, where the query is LiteDB's alone.
    /// </summary>
    private static List<BsonDocument> ChunkBatch(ILiteCollection<BsonDocument> chunks, int first)
    {
        List<BsonDocument> batch;
        try
        {
            batch = chunks.Find(Query.Between("_id", first, first + ChunksPerRead - 1)).ToList();
        }
        catch (NullReferenceException e)
        {
            throw new FormatException("the list chunks are unreadable", e);
        }
        return batch.Select(c => c is not null && c["_id"].IsInt32 ? c : throw new FormatException("a list chunk has no number"))
            .OrderBy(c => c["_id"].AsInt32)
            .ToList();
    }

    /// <summary>A delta record: what it adds and removes, packed, and the versions it leads from and to.</summary>
    private void InsertDelta(string prefix, ListMeta meta, long from, long to, byte[] add, byte[] del) =>
        _db.GetCollection(prefix + Number(meta.Generation)).Insert(new BsonDocument
        {
            ["_id"] = to,
            ["f"] = from,
            ["add"] = add,
            ["del"] = del,
            [HashField] = Hash(add, del),
        });

    /// <summary>
    /// The generation's delta records in order, each checked against its checksum and the version it continues from;
    /// throws <see cref="FormatException"/> when the chain breaks or ends short of the header's version.
    /// </summary>
    private IEnumerable<(byte[] Add, byte[] Del)> Deltas(string prefix, ListMeta meta, string list, bool hashRequired)
    {
        var version = meta.BaseVersion;
        foreach (var delta in _db.GetCollection(prefix + Number(meta.Generation)).Find(Query.All("_id", Query.Ascending)))
        {
            if (!delta["f"].IsInt64 || delta["f"].AsInt64 != version) throw new FormatException($"the {list} deltas do not continue from version {version}");
            CheckHash(delta, hashRequired, "add", "del");
            yield return (Binary(delta, "add"), Binary(delta, "del"));
            version = delta["_id"].AsInt64;
        }
        if (version != meta.Version) throw new FormatException($"the {list} deltas end at version {version}, the header says {meta.Version}");
    }

    /// <summary>Stores <paramref name="policy"/> as <paramref name="version"/> in one transaction.</summary>
    public void WritePolicy(long version, FarePolicy policy, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Transaction(() =>
        {
            _db.GetCollection(PolicyCollection).Upsert(PolicyDocuments.ToDocument(policy));
            WriteMeta(PolicyMeta, new ListMeta(version, at, 0));
        });
    }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();

    /// <summary>Reads the fare policy (the default one when none was stored). Throws <see cref="ListStoreCorruptException"/> on damage.</summary>
    public FarePolicy LoadPolicy() => Guarded(() => ReadMeta(PolicyMeta).Version == 0
        ? FarePolicy.Default
        : PolicyDocuments.ToPolicy(_db.GetCollection(PolicyCollection).FindById("current") ?? throw new FormatException("the policy document is missing")));

    private static IEnumerable<BsonDocument> Chunks(DenyList list)
    {
        var rows = new DenyRow[DenyChunks.RowsPerChunk];
        for (int start = 0, id = 0; start < list.Count; start += DenyChunks.RowsPerChunk, id++)
        {
            yield return Chunk(id, rows, list.CopyRows(start, rows));
        }
    }

    /// <summary>The rows as they come, in chunks, each row added to <paramref name="index"/> too; throws past <paramref name="count"/> rows.</summary>
    private static IEnumerable<BsonDocument> Chunks(IEnumerable<DenyRow> rows, DenyListBuilder index, int count)
    {
        var chunk = new DenyRow[DenyChunks.RowsPerChunk];
        int length = 0, id = 0;
        foreach (var row in rows)
        {
            if (index.Count == count) throw new ArgumentException($"The deny list holds more entries than the {count} it states.", nameof(rows));
            index.Add(row);
            chunk[length++] = row;
            if (length < chunk.Length) continue;
            yield return Chunk(id++, chunk, length);
            length = 0;
        }
        if (length > 0) yield return Chunk(id, chunk, length);
    }

    private static BsonDocument Chunk(int id, DenyRow[] rows, int length) => Chunk(id, DenyChunks.Pack(rows.AsSpan(0, length)));

    private static BsonDocument Chunk(int id, byte[] packed) => new() { ["_id"] = id, ["rows"] = packed, [HashField] = Hash(packed) };

    private void WriteGeneration(string list, string[] prefixes, int next, Action<ILiteCollection<BsonDocument>> write, ListMeta meta) =>
        WriteGeneration(list, prefixes, next, write, () => meta);

    private void WriteGeneration(string list, string[] prefixes, int next, Action<ILiteCollection<BsonDocument>> write, Func<ListMeta> meta)
    {
        var current = ReadMeta(list).Generation;
        // Left over from a write that crashed before its switch; nothing points at them.
        foreach (var prefix in prefixes) _db.DropCollection(prefix + Number(next));
        try
        {
            // Not one giant transaction: the new collection is invisible until the meta switch below, so batches may commit on their own.
            var collection = _db.GetCollection(prefixes[0] + Number(next));
            write(collection);
            // LiteDB creates a collection at its first insert: an empty list would leave none, and the meta would point
            // at a generation that reads as missing (the store set aside as damaged at the next start).
            if (!_db.CollectionExists(collection.Name)) collection.Delete(collection.Insert(new BsonDocument()));
            Transaction(() => WriteMeta(list, meta()));
        }
        catch
        {
            // A malformed entry half-way through a download: the old generation is still the one in force.
            foreach (var prefix in prefixes)
            {
                if (prefix is DenyPrefix or EntitlementChunkPrefix) DropChunks(prefix + Number(next));
                else _db.DropCollection(prefix + Number(next));
            }
            throw;
        }
        foreach (var prefix in prefixes)
        {
            if (prefix is DenyPrefix or EntitlementChunkPrefix) DropChunks(prefix + Number(current));
            else _db.DropCollection(prefix + Number(current));
        }
    }

    /// <summary>
    /// Drops a list's base a few chunks per transaction: LiteDB reads every page it frees, and one DropCollection of a
    /// million entries' chunks pulled all 28 MB of them into its cache at once (measured).
    /// </summary>
    private void DropChunks(string name)
    {
        if (!_db.CollectionExists(name)) return;
        var collection = _db.GetCollection(name);
        while (true)
        {
            var ids = collection.Find(Query.All("_id", Query.Ascending), 0, ChunksPerWrite).Select(d => d["_id"]).ToList();
            if (ids.Count == 0) break;
            Transaction(() =>
            {
                foreach (var id in ids) collection.Delete(id);
            });
        }
        _db.DropCollection(name);
    }

    private ListUpdateResult InTransaction(string list, long fromVersion, long toVersion, Func<ListMeta, ListMeta> change)
    {
        if (toVersion <= fromVersion) throw new ArgumentException($"A delta must move the version forward ({fromVersion} -> {toVersion}).");
        var result = default(ListUpdateResult);
        Transaction(() =>
        {
            var meta = ReadMeta(list);
            if (meta.Version != fromVersion || meta.Generation == 0)
            {
                result = new ListUpdateResult(ListUpdateStatus.VersionMismatch, meta.Version);
                return;
            }
            WriteMeta(list, change(meta));
            result = new ListUpdateResult(ListUpdateStatus.Applied, toVersion);
        });
        return result;
    }

    private void Transaction(Action work)
    {
        if (!_db.BeginTrans()) throw new InvalidOperationException("A list store transaction is already open on this thread.");
        try
        {
            work();
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    private ListMeta ReadMeta(string list)
    {
        var doc = _db.GetCollection(MetaCollection).FindById(list);
        return doc is null ? new ListMeta(0, default, 0) : ListMeta.FromDocument(doc, list);
    }

    private void WriteMeta(string list, ListMeta meta) => _db.GetCollection(MetaCollection).Upsert(meta.ToDocument(list));

    private ILiteCollection<BsonDocument> ExistingCollection(string prefix, int generation)
    {
        var name = prefix + Number(generation);
        return _db.CollectionExists(name) ? _db.GetCollection(name) : throw new FormatException($"the list collection '{name}' is missing");
    }

    /// <summary>
    /// Every document in primary-key order, as a series of bounded queries (see <see cref="LoadDenyList()"/> for why).
    /// An index scan on _id returns keys in ascending order; there is no ORDER BY, which would sort the whole remainder.
    /// </summary>
    private static IEnumerable<BsonDocument> InKeyOrder(ILiteCollection<BsonDocument> collection)
    {
        var after = BsonValue.MinValue;
        while (true)
        {
            var batch = collection.Find(Query.GT("_id", after), 0, DocumentsPerRead).ToList();
            foreach (var doc in batch)
            {
                var id = doc["_id"];
                if (id.CompareTo(after) <= 0) throw new InvalidOperationException("the store returned keys out of order");
                after = id;
                yield return doc;
            }
            if (batch.Count < DocumentsPerRead) yield break;
        }
    }

    /// <summary>
    /// LiteDB keeps no page checksums: a damaged byte inside a value reads back as another value. The lists' packed
    /// bytes carry their own CRC-32C, checked on load. Deny records written before it was kept have none and are taken as
    /// they are (<paramref name="required"/> false); entitlement chunks always had one, so one without it is damage.
    /// </summary>
    private static void CheckHash(BsonDocument doc, bool required, params string[] fields)
    {
        if (!doc.ContainsKey(HashField))
        {
            if (required) throw new FormatException($"a list record ({doc["_id"]}) has lost its checksum");
            return;
        }
        if (!doc[HashField].IsInt64 || doc[HashField].AsInt64 != Hash(fields.Select(f => Binary(doc, f)).ToArray()))
            throw new FormatException($"a list record ({doc["_id"]}) fails its checksum");
    }

    private static long Hash(params byte[][] parts)
    {
        var crc = Crc32C.Seed;
        foreach (var part in parts) crc = Crc32C.Append(crc, part);
        return Crc32C.Finish(crc);
    }

    private static byte[] Binary(BsonDocument doc, string field) =>
        doc[field].IsBinary ? doc[field].AsBinary : throw new FormatException($"a list record lacks its '{field}' field");

    private static string Number(int generation) => generation.ToString(CultureInfo.InvariantCulture);

    private void DropUnusedGenerations()
    {
        var keep = new HashSet<string>(StringComparer.Ordinal)
        {
            DenyPrefix + Number(ReadMeta(DenyMeta).Generation),
            DenyDeltaPrefix + Number(ReadMeta(DenyMeta).Generation),
            EntitlementChunkPrefix + Number(ReadMeta(EntitlementMeta).Generation),
            EntitlementDeltaPrefix + Number(ReadMeta(EntitlementMeta).Generation),
            EntitlementDocumentPrefix + Number(ReadMeta(EntitlementMeta).Generation),
        };
        foreach (var name in _db.GetCollectionNames().ToList())
        {
            var generational = name.StartsWith(DenyPrefix, StringComparison.Ordinal) || name.StartsWith(DenyDeltaPrefix, StringComparison.Ordinal)
                || name.StartsWith(EntitlementChunkPrefix, StringComparison.Ordinal) || name.StartsWith(EntitlementDeltaPrefix, StringComparison.Ordinal)
                || name.StartsWith(EntitlementDocumentPrefix, StringComparison.Ordinal);
            if (generational && !keep.Contains(name)) _db.DropCollection(name);
        }
    }

    private static bool IsDamage(Exception e) =>
        // NotSupportedException and NotImplementedException: LiteDB's reader meeting damaged bytes (found by fuzzing).
        e is LiteException or FormatException or InvalidCastException or InvalidOperationException or IndexOutOfRangeException or ArgumentException or OverflowException
            or NotSupportedException or NotImplementedException;

    private T Guarded<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (IsDamage(e))
        {
            KeepAfterDamage(_db);
            throw new ListStoreCorruptException(StorePath, e.Message, e);
        }
    }
}
