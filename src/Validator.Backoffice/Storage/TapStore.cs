using System.Globalization;
using System.Text.Json;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;
using Validator.Core.Sync;
using Validator.Core.Taps;

namespace Validator.Backoffice.Storage;

/// <summary>
/// Taps by id: storing is idempotent, so a batch resent after a lost answer creates no duplicates.
/// Each tap is kept as the JSON the device sent, with its device and sequence as an indexed key for reading back in order.
/// </summary>
internal sealed class TapStore
{
    private const string Collection = "taps";
    private readonly BackofficeDatabase _database;
    private readonly TimeProvider _time;
    private long _duplicates;
    private long _batches;

    public TapStore(BackofficeDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        Taps.EnsureIndex("k");
    }

    private ILiteCollection<BsonDocument> Taps => _database.Db.GetCollection(Collection);

    /// <summary>Taps received again that were already stored (each one a resend the device could not know had landed).</summary>
    public long DuplicatesReceived => Interlocked.Read(ref _duplicates);

    /// <summary>Batches stored.</summary>
    public long BatchesReceived => Interlocked.Read(ref _batches);

    /// <summary>Stores the valid taps of a batch (already checked to be the device's own) in one durable transaction.</summary>
    public TapBatchReceipt Store(string deviceId, IReadOnlyList<TapRecord> taps)
    {
        var stored = new List<Guid>(taps.Count);
        var rejected = new List<RejectedTap>();
        var now = _time.GetUtcNow().UtcTicks;
        _database.Write(db =>
        {
            var collection = db.GetCollection(Collection);
            long added = 0, highest = 0, duplicates = 0;
            var seen = new HashSet<Guid>();
            foreach (var tap in taps)
            {
                if (TapValidation.Problem(tap) is { } problem)
                {
                    rejected.Add(new RejectedTap(tap.Id, problem));
                    continue;
                }
                if (!seen.Add(tap.Id)) continue;
                if (collection.FindById(tap.Id) is not null) duplicates++;
                else
                {
                    collection.Insert(new BsonDocument
                    {
                        ["_id"] = tap.Id,
                        ["k"] = Key(deviceId, tap.Sequence),
                        ["at"] = now,
                        ["json"] = JsonSerializer.Serialize(tap, SyncJsonContext.Default.TapRecord),
                    });
                    added++;
                    highest = Math.Max(highest, tap.Sequence);
                }
                stored.Add(tap.Id);
            }
            DeviceStore.CountTaps(db, deviceId, added, highest, now);
            Interlocked.Add(ref _duplicates, duplicates);
            return added;
        });
        Interlocked.Increment(ref _batches);
        return new TapBatchReceipt { Stored = stored, Rejected = rejected };
    }

    /// <summary>A device's taps in sequence order after <paramref name="afterSequence"/>.</summary>
    public IReadOnlyList<TapRecord> Read(string deviceId, long afterSequence, int limit) =>
        Taps.Find(Query.And(Query.GT("k", Key(deviceId, afterSequence)), Query.LTE("k", Key(deviceId, long.MaxValue))), limit: limit)
            .Select(doc => JsonSerializer.Deserialize(doc["json"].AsString, SyncJsonContext.Default.TapRecord)!)
            .ToList();

    /// <summary>All taps stored, over every device.</summary>
    public long Count => Taps.LongCount();

    // Device id, a separator below every printable character, then the sequence zero-padded so keys sort by sequence.
    private static string Key(string deviceId, long sequence) =>
        deviceId + "\u0001" + sequence.ToString("D19", CultureInfo.InvariantCulture);
}
