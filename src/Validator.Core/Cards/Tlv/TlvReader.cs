namespace Validator.Core.Cards;

/// <summary>
/// Reads BER-TLV data objects one after another from a span, without allocating.
/// Follows EMV Book 3 Annex B: tags of one or more bytes, lengths of one to three bytes,
/// and 00 or FF padding before, between and after objects (ISO 7816-4 5.2.2.1).
/// </summary>
internal ref struct TlvReader
{
    /// <summary>Four tag bytes fit the uint; EMV uses at most three.</summary>
    private const int MaxTagBytes = 4;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public TlvReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        Error = TlvError.None;
    }

    /// <summary>Set when <see cref="TryRead"/> stopped on malformed bytes rather than at the end.</summary>
    public TlvError Error { get; private set; }

    /// <summary>Reads the next object; false at the end of the data or on an error (then <see cref="Error"/> says which).</summary>
    public bool TryRead(out Tlv element)
    {
        element = default;
        if (Error != TlvError.None) return false;

        SkipPadding();
        if (_position >= _data.Length) return false;

        var first = _data[_position++];
        uint tag = first;
        if ((first & 0x1F) == 0x1F)
        {
            // Subsequent tag bytes follow while bit 8 is set (ISO 8825-1 8.1.2.4).
            var tagBytes = 1;
            byte next;
            do
            {
                if (_position >= _data.Length) return Fail(TlvError.TruncatedTag);
                if (++tagBytes > MaxTagBytes) return Fail(TlvError.TagTooLong);
                next = _data[_position++];
                tag = (tag << 8) | next;
            }
            while ((next & 0x80) != 0);
        }

        if (_position >= _data.Length) return Fail(TlvError.TruncatedLength);
        int length = _data[_position++];
        if (length > 0x7F)
        {
            var lengthBytes = length & 0x7F;
            if (lengthBytes is 0 or > 2) return Fail(TlvError.UnsupportedLength);
            if (_data.Length - _position < lengthBytes) return Fail(TlvError.TruncatedLength);
            length = 0;
            for (var i = 0; i < lengthBytes; i++)
            {
                length = (length << 8) | _data[_position++];
            }
        }

        if (length > _data.Length - _position) return Fail(TlvError.ValueOverrun);

        element = new Tlv(tag, (first & 0x20) != 0, _data.Slice(_position, length));
        _position += length;
        return true;
    }

    private void SkipPadding()
    {
        while (_position < _data.Length && _data[_position] is 0x00 or 0xFF)
        {
            _position++;
        }
    }

    private bool Fail(TlvError error)
    {
        Error = error;
        _position = _data.Length;
        return false;
    }
}
