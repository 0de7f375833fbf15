using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;

namespace Validator.Storage.Journal;

/// <summary>
/// The compact binary payload of one journal record. Version 1 layout, little-endian:
/// version, presence flags, id (16, big-endian RFC 9562 order), sequence (8), UTC ticks (8),
/// offset minutes (2), card token (16), then the optional and string fields in a fixed order,
/// strings as varint length + UTF-8, list versions as varints.
/// </summary>
internal static class TapRecordCodec
{
    public const byte Version = 1;

    /// <summary>A string field longer than this is refused, so one bad caller cannot bloat the journal.</summary>
    public const int MaxStringBytes = 256;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Flags]
    private enum Present : ushort
    {
        None = 0,
        ClockTrusted = 1 << 0,
        ParToken = 1 << 1,
        Psn = 1 << 2,
        Expiry = 1 << 3,
        Last4 = 1 << 4,
        Product = 1 << 5,
        Line = 1 << 6,
        Stop = 1 << 7,
    }

    /// <summary>Checks what the journal promises about a record before it is written: no card number, bounded fields.</summary>
    public static void Validate(TapRecord tap)
    {
        ArgumentNullException.ThrowIfNull(tap);
        ArgumentNullException.ThrowIfNull(tap.DeviceId);
        ArgumentNullException.ThrowIfNull(tap.Brand);
        ArgumentNullException.ThrowIfNull(tap.Decision);
        ArgumentNullException.ThrowIfNull(tap.Reason);
        // Last4 is the only field that carries PAN digits: anything longer than four would start leaking the PAN.
        if (tap.Last4 is { } last4 && (last4.Length is 0 or > 4 || !last4.All(char.IsAsciiDigit)))
            throw new ArgumentException("Last4 holds at most the last four digits of the card number.", nameof(tap));
        if (tap.Expiry is { } expiry && (expiry.Length != 4 || !expiry.All(char.IsAsciiDigit)))
            throw new ArgumentException("Expiry is YYMM.", nameof(tap));
        CheckLength(tap.DeviceId, nameof(TapRecord.DeviceId));
        CheckLength(tap.Brand, nameof(TapRecord.Brand));
        CheckLength(tap.Decision, nameof(TapRecord.Decision));
        CheckLength(tap.Reason, nameof(TapRecord.Reason));
        CheckLength(tap.Product, nameof(TapRecord.Product));
        CheckLength(tap.Line, nameof(TapRecord.Line));
        CheckLength(tap.Stop, nameof(TapRecord.Stop));
    }

    /// <summary>Appends the payload of <paramref name="tap"/> to <paramref name="output"/>.</summary>
    public static void Encode(TapRecord tap, ArrayBufferWriter<byte> output)
    {
        var present = Present.None;
        if (tap.ClockTrusted) present |= Present.ClockTrusted;
        if (tap.ParToken.HasValue) present |= Present.ParToken;
        if (tap.Psn.HasValue) present |= Present.Psn;
        if (tap.Expiry is not null) present |= Present.Expiry;
        if (tap.Last4 is not null) present |= Present.Last4;
        if (tap.Product is not null) present |= Present.Product;
        if (tap.Line is not null) present |= Present.Line;
        if (tap.Stop is not null) present |= Present.Stop;

        var fixedPart = output.GetSpan(1 + 2 + 16 + 8 + 8 + 2 + CardToken.Length);
        fixedPart[0] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[1..], (ushort)present);
        tap.Id.TryWriteBytes(fixedPart[3..], bigEndian: true, out _);
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart[19..], tap.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart[27..], tap.Time.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(fixedPart[35..], (short)tap.Time.TotalOffsetMinutes);
        tap.CardToken.WriteTo(fixedPart[37..]);
        output.Advance(37 + CardToken.Length);

        if (tap.ParToken is { } par)
        {
            par.WriteTo(output.GetSpan(CardToken.Length));
            output.Advance(CardToken.Length);
        }

        if (tap.Psn is { } psn)
        {
            output.GetSpan(1)[0] = psn;
            output.Advance(1);
        }

        WriteString(output, tap.DeviceId);
        WriteOptional(output, tap.Expiry);
        WriteOptional(output, tap.Last4);
        WriteString(output, tap.Brand);
        WriteString(output, tap.Decision);
        WriteString(output, tap.Reason);
        WriteOptional(output, tap.Product);
        WriteOptional(output, tap.Line);
        WriteOptional(output, tap.Stop);
        WriteVarint(output, (ulong)tap.ListVersions.DenyList);
        WriteVarint(output, (ulong)tap.ListVersions.Entitlements);
        WriteVarint(output, (ulong)tap.ListVersions.Policy);
    }

    /// <summary>Reads only the sequence of a version-1 payload.</summary>
    public static bool TryPeekSequence(ReadOnlySpan<byte> payload, out long sequence)
    {
        sequence = 0;
        if (payload.Length < 27 || payload[0] != Version) return false;
        sequence = BinaryPrimitives.ReadInt64LittleEndian(payload[19..]);
        return true;
    }

    /// <summary>Reads a payload back; false when it is not a version-1 tap (a checksum collision or a newer writer).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out TapRecord tap)
    {
        tap = null!;
        var reader = new PayloadReader(payload);
        if (!reader.TryReadByte(out var version) || version != Version) return false;
        if (!reader.TryRead(2, out var presentBytes)) return false;
        var present = (Present)BinaryPrimitives.ReadUInt16LittleEndian(presentBytes);
        if (!reader.TryRead(16 + 8 + 8 + 2 + CardToken.Length, out var fixedPart)) return false;

        var id = new Guid(fixedPart[..16], bigEndian: true);
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(fixedPart[16..]);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(fixedPart[24..]);
        var offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(fixedPart[32..]);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || Math.Abs((int)offsetMinutes) > 14 * 60) return false;
        var cardToken = CardToken.FromBytes(fixedPart[34..]);

        CardToken? parToken = null;
        if (present.HasFlag(Present.ParToken))
        {
            if (!reader.TryRead(CardToken.Length, out var parBytes)) return false;
            parToken = CardToken.FromBytes(parBytes);
        }

        byte? psn = null;
        if (present.HasFlag(Present.Psn))
        {
            if (!reader.TryReadByte(out var psnByte)) return false;
            psn = psnByte;
        }

        string? expiry = null, last4 = null, product = null, line = null, stop = null;
        if (!reader.TryReadString(out var deviceId)
            || (present.HasFlag(Present.Expiry) && !reader.TryReadString(out expiry))
            || (present.HasFlag(Present.Last4) && !reader.TryReadString(out last4))
            || !reader.TryReadString(out var brand)
            || !reader.TryReadString(out var decision)
            || !reader.TryReadString(out var reason)
            || (present.HasFlag(Present.Product) && !reader.TryReadString(out product))
            || (present.HasFlag(Present.Line) && !reader.TryReadString(out line))
            || (present.HasFlag(Present.Stop) && !reader.TryReadString(out stop))
            || !reader.TryReadVarint(out var denyList)
            || !reader.TryReadVarint(out var entitlements)
            || !reader.TryReadVarint(out var policy)
            || !reader.AtEnd)
        {
            return false;
        }

        tap = new TapRecord
        {
            Id = id,
            DeviceId = deviceId,
            Sequence = sequence,
            Time = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes)),
            ClockTrusted = present.HasFlag(Present.ClockTrusted),
            CardToken = cardToken,
            ParToken = parToken,
            Psn = psn,
            Expiry = expiry,
            Last4 = last4,
            Brand = brand,
            Decision = decision,
            Reason = reason,
            Product = product,
            Line = line,
            Stop = stop,
            ListVersions = new ListVersions((long)denyList, (long)entitlements, (long)policy),
        };
        return true;
    }

    private static void CheckLength(string? value, string field)
    {
        if (value is not null && Utf8.GetByteCount(value) > MaxStringBytes)
            throw new ArgumentException($"{field} is longer than {MaxStringBytes} bytes.", field);
    }

    private static void WriteOptional(ArrayBufferWriter<byte> output, string? value)
    {
        if (value is not null) WriteString(output, value);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Utf8.GetByteCount(value);
        WriteVarint(output, (ulong)length);
        Utf8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        output.Advance(i);
    }

    private ref struct PayloadReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool TryRead(int count, out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            if (_rest.Length < count) return false;
            bytes = _rest[..count];
            _rest = _rest[count..];
            return true;
        }

        public bool TryReadByte(out byte value)
        {
            value = 0;
            if (!TryRead(1, out var bytes)) return false;
            value = bytes[0];
            return true;
        }

        public bool TryReadVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (!TryReadByte(out var b)) return false;
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return true;
            }

            return false;
        }

        public bool TryReadString(out string value)
        {
            value = "";
            if (!TryReadVarint(out var length) || length > MaxStringBytes || !TryRead((int)length, out var bytes)) return false;
            try
            {
                value = Utf8.GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }
    }
}
