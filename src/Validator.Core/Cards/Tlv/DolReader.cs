namespace Validator.Core.Cards;

/// <summary>
/// Reads a data object list (EMV Book 3 5.4): tags and lengths without values.
/// Uses the BER-TLV tag rules; the length is one byte below 80 (EMV DOL entries never need more).
/// </summary>
internal ref struct DolReader
{
    private const int MaxTagBytes = 4;

    private readonly ReadOnlySpan<byte> _dol;
    private int _position;

    public DolReader(ReadOnlySpan<byte> dol)
    {
        _dol = dol;
        _position = 0;
        Error = TlvError.None;
    }

    /// <summary>Set when <see cref="TryRead"/> stopped on malformed bytes rather than at the end.</summary>
    public TlvError Error { get; private set; }

    /// <summary>Reads the next entry; false at the end or on an error.</summary>
    public bool TryRead(out DolEntry entry)
    {
        entry = default;
        if (Error != TlvError.None || _position >= _dol.Length) return false;

        var first = _dol[_position++];
        uint tag = first;
        if ((first & 0x1F) == 0x1F)
        {
            var tagBytes = 1;
            byte next;
            do
            {
                if (_position >= _dol.Length) return Fail(TlvError.TruncatedTag);
                if (++tagBytes > MaxTagBytes) return Fail(TlvError.TagTooLong);
                next = _dol[_position++];
                tag = (tag << 8) | next;
            }
            while ((next & 0x80) != 0);
        }

        if (_position >= _dol.Length) return Fail(TlvError.TruncatedLength);
        var length = _dol[_position++];
        if (length > 0x7F) return Fail(TlvError.UnsupportedLength);
        entry = new DolEntry(tag, length);
        return true;
    }

    /// <summary>Sum of the entries' lengths: the size of the data the card expects; an error when malformed.</summary>
    public static TlvError TotalLength(ReadOnlySpan<byte> dol, out int total)
    {
        total = 0;
        var reader = new DolReader(dol);
        while (reader.TryRead(out var entry))
        {
            total += entry.Length;
        }
        return reader.Error;
    }

    private bool Fail(TlvError error)
    {
        Error = error;
        _position = _dol.Length;
        return false;
    }
}
