using System.Buffers;
using System.Buffers.Binary;
using Validator.Core.Taps;

namespace Validator.Storage.Journal;

/// <summary>
/// One record on disk: [magic 4][payload length 4][CRC-32C 4][payload]. The CRC covers magic, length and
/// payload, so a torn write, a flipped bit or a length that points into the next record all fail the check.
/// </summary>
internal static class JournalFrame
{
    public const int HeaderLength = 12;

    /// <summary>A payload is a few hundred bytes; anything claiming more is garbage, rejected before reading it.</summary>
    public const int MaxPayloadLength = 4096;

    // Not ASCII and not a small integer, so zero-filled or text garbage does not look like a frame start.
    private static ReadOnlySpan<byte> Magic => [0xD7, 0x4A, 0x54, 0x31];

    /// <summary>Writes the whole frame for <paramref name="tap"/> into <paramref name="output"/> (which is cleared first).</summary>
    public static void Write(TapRecord tap, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        output.GetSpan(HeaderLength);
        output.Advance(HeaderLength);
        TapRecordCodec.Encode(tap, output);

        var payloadLength = output.WrittenCount - HeaderLength;
        if (payloadLength > MaxPayloadLength) throw new ArgumentException("The tap record is too large to journal.", nameof(tap));

        // ArrayBufferWriter exposes only read-only views of what was written; the header was reserved above.
        var frame = System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span;
        Magic.CopyTo(frame);
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], Checksum(frame[..8], frame[HeaderLength..]));
    }

    /// <summary>
    /// Reads the frame starting at <paramref name="offset"/>: true with the tap and the frame's length when the
    /// magic, length, checksum and payload are all good; false otherwise.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, int offset, out TapRecord tap, out int frameLength)
    {
        var ok = TryRead(data, offset, long.MinValue, out var decoded, out frameLength);
        tap = decoded!;
        return ok;
    }

    /// <summary>
    /// As <see cref="TryRead(ReadOnlySpan{byte}, int, out TapRecord, out int)"/>, but a checked frame whose sequence is at
    /// most <paramref name="skipThrough"/> is not decoded: true with a null tap. Readers behind a cursor use it.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, int offset, long skipThrough, out TapRecord? tap, out int frameLength) =>
        TryRead(data, offset, skipThrough, long.MaxValue, out tap, out frameLength);

    /// <summary>As above; records at or above <paramref name="skipFrom"/> are skipped too (a frame copied into the wrong segment).</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, int offset, long skipThrough, long skipFrom, out TapRecord? tap, out int frameLength)
    {
        tap = null;
        frameLength = 0;
        var rest = data[offset..];
        if (rest.Length < HeaderLength || !rest[..4].SequenceEqual(Magic)) return false;
        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
        if (payloadLength <= 0 || payloadLength > MaxPayloadLength || rest.Length < HeaderLength + payloadLength) return false;
        var payload = rest.Slice(HeaderLength, payloadLength);
        if (BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]) != Checksum(rest[..8], payload)) return false;
        if (TapRecordCodec.TryPeekSequence(payload, out var sequence) && (sequence <= skipThrough || sequence >= skipFrom))
        {
            frameLength = HeaderLength + payloadLength;
            return true;
        }

        if (!TapRecordCodec.TryDecode(payload, out var decoded)) return false;
        tap = decoded;
        frameLength = HeaderLength + payloadLength;
        return true;
    }

    /// <summary>The next offset after <paramref name="from"/> where the magic appears, or -1.</summary>
    public static int FindMagic(ReadOnlySpan<byte> data, int from)
    {
        var found = data[from..].IndexOf(Magic);
        return found < 0 ? -1 : from + found;
    }

    private static uint Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Seed, header), payload));
}
