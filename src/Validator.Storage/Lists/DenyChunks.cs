using System.Buffers.Binary;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// Deny rows packed into binary fields, 29 bytes a row: token (16), expiry YYMM (2), PSN (2), reason (1), added-at
/// ticks (8), big-endian. A million entries make 490 documents and 28 MB instead of a million documents and 178 MB,
/// and reading them back does not fill LiteDB's page cache with a million documents' worth of pages (measured: a
/// full read of one document per entry pinned about 120 MB of cache, more than the whole memory budget allows).
/// </summary>
internal static class DenyChunks
{
    public const int RowLength = 29;
    public const int KeyLength = 20;

    /// <summary>Rows per chunk document: 2,048 rows are 59 KB, under the 85 KB large-object threshold.</summary>
    public const int RowsPerChunk = 2048;

    public static byte[] Pack(ReadOnlySpan<DenyRow> rows)
    {
        var bytes = new byte[rows.Length * RowLength];
        for (var i = 0; i < rows.Length; i++)
        {
            var span = bytes.AsSpan(i * RowLength, RowLength);
            var row = rows[i];
            BinaryPrimitives.WriteUInt64BigEndian(span, row.High);
            BinaryPrimitives.WriteUInt64BigEndian(span[8..], row.Low);
            BinaryPrimitives.WriteUInt16BigEndian(span[16..], row.Expiry);
            BinaryPrimitives.WriteUInt16BigEndian(span[18..], row.Psn);
            span[20] = (byte)row.Reason;
            BinaryPrimitives.WriteInt64BigEndian(span[21..], row.AddedTicks);
        }
        return bytes;
    }

    /// <summary>Unpacks rows into <paramref name="destination"/>, which may hold at most <paramref name="limit"/>; throws <see cref="FormatException"/> on a malformed chunk.</summary>
    public static void Unpack(ReadOnlySpan<byte> bytes, DenyListBuilder destination, int limit)
    {
        if (bytes.Length % RowLength != 0) throw new FormatException("a deny list chunk has a torn row");
        var count = bytes.Length / RowLength;
        if (destination.Count + count > limit) throw new FormatException("the deny list holds more rows than its header says");
        for (var i = 0; i < count; i++) destination.Add(Row(bytes.Slice(i * RowLength, RowLength)));
    }

    public static DenyRow[] Unpack(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % RowLength != 0) throw new FormatException("a deny list chunk has a torn row");
        var rows = new DenyRow[bytes.Length / RowLength];
        for (var i = 0; i < rows.Length; i++) rows[i] = Row(bytes.Slice(i * RowLength, RowLength));
        return rows;
    }

    private static DenyRow Row(ReadOnlySpan<byte> span)
    {
        var reason = (DenyReason)span[20];
        if (!Enum.IsDefined(reason)) throw new FormatException($"a deny entry has unknown reason {span[20]}");
        return new DenyRow(
            BinaryPrimitives.ReadUInt64BigEndian(span),
            BinaryPrimitives.ReadUInt64BigEndian(span[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(span[16..]),
            BinaryPrimitives.ReadUInt16BigEndian(span[18..]),
            reason,
            BinaryPrimitives.ReadInt64BigEndian(span[21..]));
    }

    public static byte[] PackKeys(IReadOnlyList<DenyKey> keys)
    {
        var bytes = new byte[keys.Count * KeyLength];
        for (var i = 0; i < keys.Count; i++)
        {
            var row = DenyRow.From(keys[i]);
            var span = bytes.AsSpan(i * KeyLength, KeyLength);
            BinaryPrimitives.WriteUInt64BigEndian(span, row.High);
            BinaryPrimitives.WriteUInt64BigEndian(span[8..], row.Low);
            BinaryPrimitives.WriteUInt16BigEndian(span[16..], row.Expiry);
            BinaryPrimitives.WriteUInt16BigEndian(span[18..], row.Psn);
        }
        return bytes;
    }

    public static DenyRow[] UnpackKeys(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % KeyLength != 0) throw new FormatException("a deny list delta has a torn key");
        var rows = new DenyRow[bytes.Length / KeyLength];
        for (var i = 0; i < rows.Length; i++)
        {
            var span = bytes.Slice(i * KeyLength, KeyLength);
            rows[i] = new DenyRow(
                BinaryPrimitives.ReadUInt64BigEndian(span),
                BinaryPrimitives.ReadUInt64BigEndian(span[8..]),
                BinaryPrimitives.ReadUInt16BigEndian(span[16..]),
                BinaryPrimitives.ReadUInt16BigEndian(span[18..]),
                default,
                0);
        }
        return rows;
    }
}
