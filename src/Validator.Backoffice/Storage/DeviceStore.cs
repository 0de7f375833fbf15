using System.Text.Json;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;
using Validator.Core.Sync;

namespace Validator.Backoffice.Storage;

/// <summary>What the back office knows about each device: last contact, last heartbeat, taps stored.</summary>
internal sealed class DeviceStore
{
    private const string Collection = "devices";
    private readonly BackofficeDatabase _database;
    private readonly TimeProvider _time;

    public DeviceStore(BackofficeDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        database.EnsureCollection(Collection);
    }

    /// <summary>Records a heartbeat durably.</summary>
    public void Record(string deviceId, Heartbeat heartbeat)
    {
        var now = _time.GetUtcNow().UtcTicks;
        _database.Write(db =>
        {
            var devices = db.GetCollection(Collection);
            var doc = devices.FindById(deviceId) ?? New(deviceId);
            doc["seen"] = now;
            doc["hb"] = JsonSerializer.Serialize(heartbeat, SyncJsonContext.Default.Heartbeat);
            devices.Upsert(doc);
            return 0;
        });
    }

    /// <summary>Adds stored taps to a device's counters; called inside the tap transaction.</summary>
    public static void CountTaps(LiteDatabase db, string deviceId, long added, long highest, long nowTicks)
    {
        var devices = db.GetCollection(Collection);
        var doc = devices.FindById(deviceId) ?? New(deviceId);
        doc["seen"] = nowTicks;
        doc["n"] = doc["n"].AsInt64 + added;
        doc["max"] = Math.Max(doc["max"].AsInt64, highest);
        devices.Upsert(doc);
    }

    /// <summary>The device's view; an empty one for a device never seen.</summary>
    public DeviceView Get(string deviceId)
    {
        var doc = _database.Db.GetCollection(Collection).FindById(deviceId);
        return doc is null ? new DeviceView { DeviceId = deviceId } : ToView(doc);
    }

    /// <summary>Every device seen.</summary>
    public IReadOnlyList<DeviceView> All() => _database.Db.GetCollection(Collection).FindAll().Select(ToView).ToList();

    private static BsonDocument New(string deviceId) => new() { ["_id"] = deviceId, ["n"] = 0L, ["max"] = 0L, ["seen"] = 0L };

    private static DeviceView ToView(BsonDocument doc) => new()
    {
        DeviceId = doc["_id"].AsString,
        LastSeenAt = doc["seen"].AsInt64 == 0 ? null : new DateTimeOffset(doc["seen"].AsInt64, TimeSpan.Zero),
        LastHeartbeat = doc["hb"].IsString ? JsonSerializer.Deserialize(doc["hb"].AsString, SyncJsonContext.Default.Heartbeat) : null,
        TapsStored = doc["n"].AsInt64,
        HighestSequence = doc["max"].AsInt64,
    };
}
