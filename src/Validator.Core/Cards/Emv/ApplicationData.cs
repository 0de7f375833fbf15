using System.Security.Cryptography;
using System.Text;

namespace Validator.Core.Cards;

/// <summary>
/// The data gathered from one application's GPO answer and records. The PAN is kept as ASCII digits in a
/// buffer that <see cref="Dispose"/> zeroes; it never becomes a string.
/// </summary>
internal sealed class ApplicationData : IDisposable
{
    // Which source a value came from; a better source replaces a worse one (EMV: 5A is the PAN, 57/9F6B copy it).
    private const int FromTrack2Data = 1;      // 9F6B, Mastercard mag-stripe data
    private const int FromTrack2Equivalent = 2; // 57
    private const int FromPanTag = 3;          // 5A, 5F24

    private readonly byte[] _pan = new byte[Cards.Pan.MaxDigits];
    private readonly byte[] _expiry = new byte[4];
    private int _panRank;
    private int _expiryRank;

    /// <summary>Number of PAN digits in the buffer; 0 when none was found.</summary>
    public int PanLength { get; private set; }

    /// <summary>The PAN digits as ASCII; valid until disposed.</summary>
    public ReadOnlySpan<byte> Pan => _pan.AsSpan(0, PanLength);

    /// <summary>Expiry YYMM, or null.</summary>
    public string? Expiry => _expiryRank == 0 ? null : Encoding.ASCII.GetString(_expiry);

    /// <summary>PAN sequence number 0..99 (tag 5F34), or null.</summary>
    public byte? Psn { get; private set; }

    /// <summary>Payment Account Reference (tag 9F24), or null.</summary>
    public string? Par { get; private set; }

    /// <summary>Card Risk Management Data Object List 1 (tag 8C), or null.</summary>
    public byte[]? Cdol1 { get; private set; }

    /// <summary>Application cryptogram (9F26) when the card gave one (qVSDC does in its GPO answer).</summary>
    public byte[]? Cryptogram { get; private set; }

    /// <summary>Cryptogram information data (9F27).</summary>
    public byte? CryptogramInformation { get; private set; }

    /// <summary>Application transaction counter (9F36).</summary>
    public ushort? TransactionCounter { get; private set; }

    /// <summary>Issuer application data (9F10).</summary>
    public byte[]? IssuerApplicationData { get; private set; }

    /// <summary>True when the answers so far hold a complete cryptogram (9F26, 9F27, 9F36).</summary>
    public bool HasCryptogram => Cryptogram is not null && CryptogramInformation.HasValue && TransactionCounter.HasValue;

    /// <summary>True once a PAN is in hand.</summary>
    public bool HasPan => PanLength > 0;

    /// <summary>True once an expiry is in hand.</summary>
    public bool HasExpiry => _expiryRank > 0;

    /// <summary>
    /// Takes the values this validator needs from the primitive objects of a GPO answer (77) or record (70).
    /// Returns a short reason when a value is present but broken, else null.
    /// </summary>
    public string? Absorb(ReadOnlySpan<byte> template)
    {
        var reader = new TlvReader(template);
        while (reader.TryRead(out var element))
        {
            var problem = element.Tag switch
            {
                0x5A => TakePan(element.Value),
                0x57 => TakeTrack2(element.Value, FromTrack2Equivalent, "track 2 equivalent (57)"),
                0x9F6B => TakeTrack2(element.Value, FromTrack2Data, "track 2 data (9F6B)"),
                0x5F24 => TakeExpiry(element.Value),
                0x5F34 => TakePsn(element.Value),
                0x9F24 => TakePar(element.Value),
                0x8C => TakeCdol1(element.Value),
                0x9F26 => Take(element.Value, 8, v => Cryptogram = v),
                0x9F27 => Take(element.Value, 1, v => CryptogramInformation = v[0]),
                0x9F36 => Take(element.Value, 2, v => TransactionCounter = (ushort)((v[0] << 8) | v[1])),
                0x9F10 => Take(element.Value, -1, v => IssuerApplicationData = v),
                _ => null,
            };
            if (problem is not null) return problem;
        }
        return reader.Error == TlvError.None ? null : $"TLV {reader.Error}";
    }

    private string? TakePan(ReadOnlySpan<byte> value)
    {
        Span<byte> digits = stackalloc byte[Cards.Pan.MaxDigits];
        try
        {
            if (!Cards.Pan.TryDecode(value, digits, out var length)) return "PAN (5A) is not 12 to 19 digits";
            if (_panRank < FromPanTag) SetPan(digits[..length], FromPanTag);
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digits);
        }
    }

    private string? TakeTrack2(ReadOnlySpan<byte> value, int rank, string name)
    {
        Span<byte> digits = stackalloc byte[Cards.Pan.MaxDigits];
        Span<byte> expiry = stackalloc byte[4];
        try
        {
            if (!Track2.TryParse(value, digits, out var length, expiry) || !Cards.Pan.IsExpiry(expiry))
            {
                return $"{name} is not PAN, separator and expiry";
            }
            if (_panRank < rank) SetPan(digits[..length], rank);
            if (_expiryRank < rank)
            {
                expiry.CopyTo(_expiry);
                _expiryRank = rank;
            }
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digits);
        }
    }

    private string? TakeExpiry(ReadOnlySpan<byte> value)
    {
        // 5F24 is YYMMDD in format n6; the validator keeps YYMM like the track data.
        Span<byte> yymm = stackalloc byte[4];
        if (value.Length != 3) return "expiry (5F24) is not 3 bytes";
        for (var i = 0; i < 4; i++) yymm[i] = (byte)('0' + Bcd.Nibble(value, i));
        if (!Cards.Pan.IsExpiry(yymm) || !Bcd.TryDecode(value[2], out _)) return "expiry (5F24) is not a date";
        if (_expiryRank < FromPanTag)
        {
            yymm.CopyTo(_expiry);
            _expiryRank = FromPanTag;
        }
        return null;
    }

    private string? TakePsn(ReadOnlySpan<byte> value)
    {
        if (value.Length != 1 || !Bcd.TryDecode(value[0], out var number)) return "PAN sequence number (5F34) is not two digits";
        Psn = (byte)number;
        return null;
    }

    private string? TakePar(ReadOnlySpan<byte> value)
    {
        // EMV Book 3 Annex A: 9F24 is an..29, upper-case letters and digits. Anything else is ignored, not fatal:
        // the PAR is extra data the read does not need.
        if (value.Length is 0 or > 29) return null;
        foreach (var b in value)
        {
            if (!char.IsAsciiLetterOrDigit((char)b)) return null;
        }
        Par = Encoding.ASCII.GetString(value);
        return null;
    }

    private string? TakeCdol1(ReadOnlySpan<byte> value)
    {
        if (DolReader.TotalLength(value, out _) != TlvError.None) return "CDOL1 (8C) is malformed";
        Cdol1 = value.ToArray();
        return null;
    }

    private static string? Take(ReadOnlySpan<byte> value, int length, Action<byte[]> set)
    {
        if (length >= 0 && value.Length != length) return $"a cryptogram field has {value.Length} bytes, not {length}";
        set(value.ToArray());
        return null;
    }

    private void SetPan(ReadOnlySpan<byte> digits, int rank)
    {
        CryptographicOperations.ZeroMemory(_pan);
        digits.CopyTo(_pan);
        PanLength = digits.Length;
        _panRank = rank;
    }

    /// <summary>The last four PAN digits.</summary>
    public string Last4() => Encoding.ASCII.GetString(_pan.AsSpan(PanLength - 4, 4));

    /// <summary>Zeroes the PAN buffer.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_pan);
        PanLength = 0;
        _panRank = 0;
    }
}
