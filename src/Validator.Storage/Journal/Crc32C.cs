using System.Buffers.Binary;
using System.Numerics;

namespace Validator.Storage.Journal;

/// <summary>
/// CRC-32C (Castagnoli). BitOperations.Crc32C uses the CPU's CRC instructions (ARMv8 on the Pi 3 and
/// later, SSE 4.2 on x64) and falls back to a table in software, so no hashing package is needed.
/// </summary>
internal static class Crc32C
{
    /// <summary>Starting value for <see cref="Append"/>.</summary>
    public const uint Seed = 0xFFFF_FFFFu;

    /// <summary>Feeds <paramref name="data"/> into a running CRC started with <see cref="Seed"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    /// <summary>Turns a running CRC into the final checksum.</summary>
    public static uint Finish(uint crc) => ~crc;

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Seed, data));
}
