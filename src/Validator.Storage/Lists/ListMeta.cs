using LiteDB;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// The record that says which version of a list is in force and where it lives. Switching it is the one small
/// transaction that makes a newly written list current.
/// </summary>
/// <param name="Version">Version in force.</param>
/// <param name="UpdatedAt">When it was applied.</param>
/// <param name="Generation">Number of the collection(s) holding the list.</param>
/// <param name="BaseCount">Rows in the generation's base (the deny list's rows, the entitlements' packed chunks).</param>
/// <param name="BaseVersion">Version of the generation's base; deltas lead from it to <paramref name="Version"/>.</param>
/// <param name="Deltas">Deltas stored on top of the base.</param>
/// <param name="DeltaRows">Rows added or removed by those deltas.</param>
internal sealed record ListMeta(long Version, DateTimeOffset UpdatedAt, int Generation, int BaseCount = 0, long BaseVersion = 0, int Deltas = 0, long DeltaRows = 0)
{
    /// <summary>
    /// Entries the list holds with its deltas applied (the entitlements), checked on load (LiteDB keeps no page
    /// checksums: a lost page would silently drop entries). Null in files written before it was kept, and for lists
    /// that count otherwise.
    /// </summary>
    public int? Count { get; init; }

    public ListStamp Stamp => new(Version, UpdatedAt);

    public BsonDocument ToDocument(string list)
    {
        var doc = Fields(list);
        if (Count is { } count) doc["c"] = count;
        return doc;
    }

    private BsonDocument Fields(string list) => new()
    {
        ["_id"] = list,
        ["v"] = Version,
        ["at"] = UpdatedAt.UtcTicks,
        ["g"] = Generation,
        ["n"] = BaseCount,
        ["bv"] = BaseVersion,
        ["d"] = Deltas,
        ["dr"] = DeltaRows,
    };

    public static ListMeta FromDocument(BsonDocument doc, string list)
    {
        if (!doc["v"].IsInt64 || !doc["at"].IsInt64 || !doc["g"].IsInt32 || !doc["n"].IsInt32 || !doc["bv"].IsInt64 || !doc["d"].IsInt32 || !doc["dr"].IsInt64
            || doc["n"].AsInt32 < 0 || doc["at"].AsInt64 < 0 || doc["at"].AsInt64 > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new FormatException($"the version record of list '{list}' is malformed");
        }
        if (doc.ContainsKey("c") && (!doc["c"].IsInt32 || doc["c"].AsInt32 < 0)) throw new FormatException($"the version record of list '{list}' is malformed");
        return new ListMeta(doc["v"].AsInt64, new DateTimeOffset(doc["at"].AsInt64, TimeSpan.Zero), doc["g"].AsInt32, doc["n"].AsInt32, doc["bv"].AsInt64, doc["d"].AsInt32, doc["dr"].AsInt64)
        {
            Count = doc.ContainsKey("c") ? doc["c"].AsInt32 : null,
        };
    }
}
