namespace Validator.Core.Cards;

/// <summary>A response APDU: the data field and the status word SW1 SW2 (ISO 7816-4 clause 5.1).</summary>
public sealed class ApduResponse
{
    /// <summary>Creates a response from its data field and status bytes.</summary>
    public ApduResponse(byte[] data, byte sw1, byte sw2)
    {
        Data = data ?? throw new ArgumentNullException(nameof(data));
        Sw1 = sw1;
        Sw2 = sw2;
    }

    /// <summary>The data field (may be empty).</summary>
    public byte[] Data { get; }

    /// <summary>First status byte.</summary>
    public byte Sw1 { get; }

    /// <summary>Second status byte.</summary>
    public byte Sw2 { get; }

    /// <summary>SW1 SW2 as one number, e.g. 0x9000.</summary>
    public ushort StatusWord => (ushort)((Sw1 << 8) | Sw2);

    /// <summary>True for 9000, the normal end of processing.</summary>
    public bool IsSuccess => StatusWord == 0x9000;

    /// <summary>Splits a raw response (data followed by SW1 SW2); false when it is shorter than two bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> raw, out ApduResponse response)
    {
        if (raw.Length < 2)
        {
            response = new ApduResponse([], 0, 0);
            return false;
        }
        response = new ApduResponse(raw[..^2].ToArray(), raw[^2], raw[^1]);
        return true;
    }

    /// <summary>Data then status word, as sent on the wire.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Data.Length + 2];
        Data.CopyTo(bytes, 0);
        bytes[^2] = Sw1;
        bytes[^1] = Sw2;
        return bytes;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Data.Length} bytes, SW {StatusWord:X4}";
}
