namespace Validator.Core.Cards;

/// <summary>One decoded BER-TLV data object: its tag and a view of its value inside the source bytes.</summary>
internal readonly ref struct Tlv
{
    public Tlv(uint tag, bool isConstructed, ReadOnlySpan<byte> value)
    {
        Tag = tag;
        IsConstructed = isConstructed;
        Value = value;
    }

    /// <summary>The tag bytes as a big-endian number, e.g. 0x5F24 or 0xBF0C.</summary>
    public uint Tag { get; }

    /// <summary>True when bit 6 of the first tag byte is set: the value is itself BER-TLV.</summary>
    public bool IsConstructed { get; }

    /// <summary>The value bytes (a slice of the input, not a copy).</summary>
    public ReadOnlySpan<byte> Value { get; }
}
