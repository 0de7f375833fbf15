using System.Security.Cryptography;

namespace Validator.Core.Cards;

/// <summary>
/// Turns a PAN or a UID into a <see cref="CardToken"/>: HMAC-SHA256 with a deployment key, truncated to 16 bytes
/// (PCI DSS 4.0 requirement 3.5.1.1: keyed cryptographic hash of the entire PAN).
/// The PAN input is its ASCII digits, nothing else; the UID input is the ASCII prefix "UID:" and the raw UID bytes,
/// so a UID token can never equal a PAN token (a PAN input holds only the bytes 30..39).
/// </summary>
public sealed class CardTokenizer
{
    /// <summary>Shortest key accepted: the HMAC-SHA256 block security level (256 bits).</summary>
    public const int MinKeyLength = 32;

    private static ReadOnlySpan<byte> UidPrefix => "UID:"u8;

    private readonly byte[] _key;

    /// <summary>Creates a tokenizer; throws <see cref="ArgumentException"/> for a key shorter than 32 bytes.</summary>
    public CardTokenizer(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyLength)
        {
            throw new ArgumentException($"The card token key must be at least {MinKeyLength} bytes; it has {key.Length}.", nameof(key));
        }
        _key = key.ToArray();
    }

    /// <summary>The token of a PAN given as its ASCII digits (8 to 19 of them).</summary>
    public CardToken ForPan(ReadOnlySpan<byte> asciiDigits)
    {
        if (asciiDigits.Length is < 8 or > Pan.MaxDigits) throw new ArgumentException("A PAN has 8 to 19 digits.", nameof(asciiDigits));
        foreach (var b in asciiDigits)
        {
            if (b is < (byte)'0' or > (byte)'9') throw new ArgumentException("A PAN is ASCII digits only.", nameof(asciiDigits));
        }
        return Hash(asciiDigits);
    }

    /// <summary>The token of a PAN given as digits; for back-office and demo tools that hold PANs as text.</summary>
    public CardToken ForPan(ReadOnlySpan<char> digits)
    {
        Span<byte> ascii = stackalloc byte[Pan.MaxDigits];
        try
        {
            if (digits.Length > Pan.MaxDigits) throw new ArgumentException("A PAN has 8 to 19 digits.", nameof(digits));
            for (var i = 0; i < digits.Length; i++) ascii[i] = digits[i] < 128 ? (byte)digits[i] : (byte)0;
            return ForPan(ascii[..digits.Length]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ascii);
        }
    }

    /// <summary>The token of an ISO 14443-3 UID (4, 7 or 10 bytes), domain-separated from PAN tokens.</summary>
    public CardToken ForUid(ReadOnlySpan<byte> uid)
    {
        if (uid.IsEmpty || uid.Length > 16) throw new ArgumentException("A UID has 1 to 16 bytes.", nameof(uid));
        Span<byte> input = stackalloc byte[UidPrefix.Length + uid.Length];
        UidPrefix.CopyTo(input);
        uid.CopyTo(input[UidPrefix.Length..]);
        return Hash(input);
    }

    private CardToken Hash(ReadOnlySpan<byte> input)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, input, mac);
        var token = CardToken.FromBytes(mac[..CardToken.Length]);
        CryptographicOperations.ZeroMemory(mac);
        return token;
    }
}
