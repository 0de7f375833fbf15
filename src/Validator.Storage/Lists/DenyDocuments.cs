using System.Buffers.Binary;
using LiteDB;
using Validator.Core.Cards;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// Deny entries as LiteDB documents. The key (token, expiry, PSN) is packed into a 20-byte binary _id, so an entry is
/// found, replaced or removed through the primary index alone and all issues of one token sit next to each other.
/// </summary>
internal static class DenyDocuments
{
    private const int KeyLength = CardToken.Length + 4;

    public static BsonDocument ToDocument(DenyEntry entry)
    {
        var row = DenyRow.From(entry);
        return new BsonDocument
        {
            ["_id"] = Key(row),
            ["r"] = (int)entry.Reason,
            ["a"] = entry.AddedAt.UtcTicks,
        };
    }

    public static BsonValue Key(DenyKey key) => Key(DenyRow.From(key));

    /// <summary>The smallest and largest keys a token can have, for a range query over one card's entries.</summary>
    public static (BsonValue From, BsonValue To) TokenRange(CardToken token) =>
        (Key(new DenyRow(token.High, token.Low, 0, 0, default)), Key(new DenyRow(token.High, token.Low, ushort.MaxValue, ushort.MaxValue, default)));

    /// <summary>The packed row of a stored document; throws <see cref="FormatException"/> on a malformed one.</summary>
    public static DenyRow ToRow(BsonDocument doc)
    {
        var id = doc["_id"];
        if (!id.IsBinary || id.AsBinary.Length != KeyLength) throw new FormatException("a deny entry has a malformed key");
        var bytes = id.AsBinary.AsSpan();
        var reason = doc["r"];
        if (!reason.IsInt32 || !Enum.IsDefined((DenyReason)reason.AsInt32)) throw new FormatException("a deny entry has an unknown reason");
        return new DenyRow(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt16BigEndian(bytes[18..]),
            (DenyReason)reason.AsInt32);
    }

    public static DenyEntry ToEntry(BsonDocument doc)
    {
        var added = doc["a"];
        if (!added.IsInt64) throw new FormatException("a deny entry has no added-at time");
        return ToRow(doc).ToEntry(new DateTimeOffset(added.AsInt64, TimeSpan.Zero));
    }

    private static BsonValue Key(DenyRow row)
    {
        var bytes = new byte[KeyLength];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, row.High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), row.Low);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(16), row.Expiry);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(18), row.Psn);
        return new BsonValue(bytes);
    }
}
