using System.Buffers.Binary;

namespace Validator.Storage.Journal;

/// <summary>
/// The upload cursor: the highest sequence the back office has acknowledged. Sixteen bytes
/// ([magic 4][sequence 8][CRC-32C 4]) replaced atomically: write a temp file, fsync it, rename it over the
/// old one, fsync the directory. A reader sees the old cursor or the new one, never half of each.
/// </summary>
internal static class AckFile
{
    public const string FileName = "acknowledged";
    public const string TempFileName = FileName + ".tmp";
    private const int FileLength = 16;

    private static ReadOnlySpan<byte> Magic => [0xD7, 0x4A, 0x41, 0x31];

    /// <summary>Reads the cursor; 0 when there is none yet. <paramref name="damaged"/> is true when a file exists but fails its check.</summary>
    public static long Read(string directory, out bool damaged)
    {
        damaged = false;
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return 0;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != FileLength
            || !bytes.AsSpan(0, 4).SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)) != Crc32C.Compute(bytes.AsSpan(0, 12))
            || BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4)) < 0)
        {
            damaged = true;
            return 0;
        }

        return BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4));
    }

    /// <summary>Durably replaces the cursor with <paramref name="acknowledgedThrough"/>.</summary>
    public static void Write(string directory, long acknowledgedThrough)
    {
        Span<byte> bytes = stackalloc byte[FileLength];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[4..], acknowledgedThrough);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[12..], Crc32C.Compute(bytes[..12]));

        var temp = Path.Combine(directory, TempFileName);
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, bytes, 0);
            Durability.FlushData(handle);
        }

        File.Move(temp, Path.Combine(directory, FileName), overwrite: true);
        Durability.FlushDirectory(directory);
    }
}
