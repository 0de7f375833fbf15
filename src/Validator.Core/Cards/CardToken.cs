using System.Buffers.Binary;

namespace Validator.Core.Cards;

/// <summary>
/// A 16-byte keyed token that stands for a card number (or a UID) everywhere outside the card read:
/// HMAC-SHA256(key, PAN) truncated to 128 bits. Two 64-bit halves so lists can index by <see cref="High"/>.
/// </summary>
public readonly record struct CardToken(ulong High, ulong Low)
{
    /// <summary>The token's length in bytes.</summary>
    public const int Length = 16;

    /// <summary>Builds a token from its 16 bytes (big-endian halves).</summary>
    public static CardToken FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length) throw new ArgumentException($"A card token has {Length} bytes.", nameof(bytes));
        return new CardToken(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Parses 32 hex digits.</summary>
    public static bool TryParse(string? hex, out CardToken token)
    {
        token = default;
        // Hex.TryParse skips spaces: 32 characters with spaces in them are fewer than 16 bytes.
        if (hex is null || hex.Length != Length * 2 || !Hex.TryParse(hex, out var bytes) || bytes.Length != Length) return false;
        token = FromBytes(bytes);
        return true;
    }

    /// <summary>Parses 32 hex digits; throws <see cref="FormatException"/> otherwise.</summary>
    public static CardToken Parse(string hex) =>
        TryParse(hex, out var token) ? token : throw new FormatException("A card token is 32 hex digits.");

    /// <summary>Writes the 16 bytes into <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    /// <summary>The 16 bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>32 upper-case hex digits.</summary>
    public override string ToString() => Hex.Format(ToBytes());
}
