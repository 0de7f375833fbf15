using System.Buffers.Binary;
using System.Text;
using Validator.Core.Cards;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// Entitlements packed into binary fields, a few hundred to a chunk: 100,000 of them make about 90 chunk documents
/// instead of 100,000 documents, and read back in tens of milliseconds where LiteDB took ~10 µs a document to find
/// and deserialise them (two thirds of the daemon's start). One record, big-endian:
/// id (u16 length + UTF-8), holder flags (1 token, 2 PAR), token (16), PAR (u16 length + UTF-8), product (u16 length +
/// UTF-8), valid from and to (i32 day numbers), days (u8), lines and zones (u16 count, each u16 length + UTF-8),
/// windows (u16 count, each two i64 tick counts).
/// </summary>
internal static class EntitlementChunks
{
    /// <summary>A chunk is closed once it holds this many bytes: under the 85 KB large-object threshold with room for a last record.</summary>
    public const int ChunkBytes = 60 * 1024;

    private const byte HasToken = 1;
    private const byte HasPar = 2;

    /// <summary>Packs <paramref name="entitlements"/> into chunks of about <see cref="ChunkBytes"/>; each is checked first (<see cref="ArgumentException"/>).</summary>
    public static IEnumerable<byte[]> Pack(IEnumerable<Entitlement> entitlements)
    {
        var buffer = new Writer();
        foreach (var e in entitlements)
        {
            Write(buffer, e);
            if (buffer.Length < ChunkBytes) continue;
            yield return buffer.ToArrayAndReset();
        }
        if (buffer.Length > 0) yield return buffer.ToArrayAndReset();
    }

    /// <summary>Packs <paramref name="entitlements"/> into one field (a delta's additions); each is checked first (<see cref="ArgumentException"/>).</summary>
    public static byte[] PackAll(IEnumerable<Entitlement> entitlements)
    {
        var buffer = new Writer();
        foreach (var e in entitlements) Write(buffer, e);
        return buffer.ToArrayAndReset();
    }

    /// <summary>Packs a delta's ids.</summary>
    public static byte[] PackIds(IEnumerable<string> ids)
    {
        var buffer = new Writer();
        foreach (var id in ids) buffer.String(id);
        return buffer.ToArrayAndReset();
    }

    /// <summary>Unpacks one chunk; throws <see cref="FormatException"/> on a malformed one.</summary>
    public static IEnumerable<Entitlement> Unpack(byte[] bytes, StringCache strings)
    {
        var offset = 0;
        while (offset < bytes.Length) yield return Read(bytes, ref offset, strings);
    }

    public static List<string> UnpackIds(byte[] bytes)
    {
        var ids = new List<string>();
        var offset = 0;
        while (offset < bytes.Length) ids.Add(ReadString(bytes, ref offset, null));
        return ids;
    }

    private static void Write(Writer to, Entitlement e)
    {
        e.Validate(); // an entry from the network: refused with ArgumentException before anything is written; bounds lengths and counts to 16 bits
        to.String(e.Id);
        to.Byte((byte)((e.Token is null ? 0 : HasToken) | (e.Par is null ? 0 : HasPar)));
        if (e.Token is { } token) to.Token(token);
        if (e.Par is not null) to.String(e.Par);
        to.String(e.Product);
        to.Int32(e.ValidFrom.DayNumber);
        to.Int32(e.ValidTo.DayNumber);
        to.Byte((byte)e.Days);
        to.Strings(e.Lines);
        to.Strings(e.Zones);
        to.UInt16((ushort)e.Windows.Count);
        foreach (var w in e.Windows)
        {
            to.Int64(w.Start.Ticks);
            to.Int64(w.End.Ticks);
        }
    }

    private static Entitlement Read(byte[] bytes, ref int offset, StringCache strings)
    {
        var id = ReadString(bytes, ref offset, null);
        var holder = Take(bytes, ref offset, 1)[0];
        if ((holder & ~(HasToken | HasPar)) != 0) throw new FormatException($"entitlement {id} has unknown holder flags {holder}");
        CardToken? token = (holder & HasToken) != 0 ? CardToken.FromBytes(Take(bytes, ref offset, CardToken.Length)) : null;
        var par = (holder & HasPar) != 0 ? ReadString(bytes, ref offset, strings) : null;
        var product = ReadString(bytes, ref offset, strings);
        var from = BinaryPrimitives.ReadInt32BigEndian(Take(bytes, ref offset, 4));
        var to = BinaryPrimitives.ReadInt32BigEndian(Take(bytes, ref offset, 4));
        if ((uint)from > (uint)DateOnly.MaxValue.DayNumber || (uint)to > (uint)DateOnly.MaxValue.DayNumber) throw new FormatException($"entitlement {id} has a malformed date");
        var days = Take(bytes, ref offset, 1)[0];
        // Not validated here: every record read goes into EntitlementIndex.Build, which validates each one, and its
        // ArgumentException on a stored record is damage to the loader.
        return new Entitlement
        {
            Id = id,
            Token = token,
            Par = par,
            Product = product,
            ValidFrom = DateOnly.FromDayNumber(from),
            ValidTo = DateOnly.FromDayNumber(to),
            Days = (Weekdays)days,
            Lines = ReadStrings(bytes, ref offset, strings),
            Zones = ReadStrings(bytes, ref offset, strings),
            Windows = ReadWindows(bytes, ref offset),
        };
    }

    private static string[] ReadStrings(byte[] bytes, ref int offset, StringCache strings)
    {
        var count = BinaryPrimitives.ReadUInt16BigEndian(Take(bytes, ref offset, 2));
        if (count == 0) return [];
        var values = new string[count];
        for (var i = 0; i < values.Length; i++) values[i] = ReadString(bytes, ref offset, strings);
        return values;
    }

    private static TimeWindow[] ReadWindows(byte[] bytes, ref int offset)
    {
        var count = BinaryPrimitives.ReadUInt16BigEndian(Take(bytes, ref offset, 2));
        if (count == 0) return [];
        var windows = new TimeWindow[count];
        for (var i = 0; i < windows.Length; i++) windows[i] = new TimeWindow(TimeOfDay(bytes, ref offset), TimeOfDay(bytes, ref offset));
        return windows;
    }

    private static TimeOnly TimeOfDay(byte[] bytes, ref int offset)
    {
        var ticks = BinaryPrimitives.ReadInt64BigEndian(Take(bytes, ref offset, 8));
        return ticks is >= 0 and < TimeSpan.TicksPerDay ? new TimeOnly(ticks) : throw new FormatException("an entitlement has a malformed time of day");
    }

    private static string ReadString(byte[] bytes, ref int offset, StringCache? strings)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(Take(bytes, ref offset, 2));
        var utf8 = Take(bytes, ref offset, length);
        return strings is null ? Decode(utf8) : strings.Get(utf8);
    }

    private static string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return Strict.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("an entitlement holds text that is not UTF-8", e);
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Take(byte[] bytes, ref int offset, int length)
    {
        if (length > bytes.Length - offset) throw new FormatException("an entitlement record is cut short");
        var span = bytes.AsSpan(offset, length);
        offset += length;
        return span;
    }

    /// <summary>One copy of each product, line, zone and PAR string while loading, looked up by its characters.</summary>
    internal sealed class StringCache
    {
        private readonly HashSet<string> _strings = new(StringComparer.Ordinal);

        public string Get(ReadOnlySpan<byte> utf8)
        {
            Span<char> chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
            int length;
            try
            {
                length = Strict.GetChars(utf8, chars);
            }
            catch (DecoderFallbackException e)
            {
                throw new FormatException("an entitlement holds text that is not UTF-8", e);
            }
            if (_strings.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..length], out var known)) return known;
            var value = new string(chars[..length]);
            _strings.Add(value);
            return value;
        }
    }

    /// <summary>A growable big-endian byte buffer.</summary>
    private sealed class Writer
    {
        private byte[] _bytes = new byte[ChunkBytes + 4096];

        public int Length { get; private set; }

        public void Byte(byte value) => Span(1)[0] = value;

        public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Span(2), value);

        public void Int32(int value) => BinaryPrimitives.WriteInt32BigEndian(Span(4), value);

        public void Int64(long value) => BinaryPrimitives.WriteInt64BigEndian(Span(8), value);

        public void Token(CardToken token) => token.WriteTo(Span(CardToken.Length));

        public void String(string value)
        {
            // Strict: text that is not valid UTF-16 (a lone surrogate) is refused with an ArgumentException rather than changed.
            var length = Strict.GetByteCount(value);
            if (length > ushort.MaxValue) throw new ArgumentException($"A text field of {length} bytes is longer than an entitlement may hold.");
            UInt16((ushort)length);
            Strict.GetBytes(value, Span(length));
        }

        public void Strings(IReadOnlyList<string> values)
        {
            UInt16((ushort)values.Count);
            foreach (var value in values) String(value);
        }

        public byte[] ToArrayAndReset()
        {
            var bytes = _bytes.AsSpan(0, Length).ToArray();
            Length = 0;
            return bytes;
        }

        private Span<byte> Span(int length)
        {
            if (Length + length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + length));
            var span = _bytes.AsSpan(Length, length);
            Length += length;
            return span;
        }
    }
}
