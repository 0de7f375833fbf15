namespace Validator.Core.Cards;

/// <summary>Builds the data a card asked for in a DOL, in the order and lengths it asked (EMV Book 3 5.4).</summary>
internal static class DolBuilder
{
    /// <summary>
    /// Largest DOL data one short command can carry: Lc 255 minus the 83 tag and a two-byte length (81 xx)
    /// for GET PROCESSING OPTIONS.
    /// </summary>
    public const int MaxDataLength = 252;

    /// <summary>Writes the data for <paramref name="dol"/> into a new array; unknown tags are zeros of the asked length.</summary>
    public static TlvError TryBuild(ReadOnlySpan<byte> dol, TerminalData terminal, out byte[] data)
    {
        data = [];
        var error = DolReader.TotalLength(dol, out var total);
        if (error != TlvError.None) return error;
        if (total > MaxDataLength) return TlvError.DolTooLong;

        var buffer = new byte[total];
        var offset = 0;
        var reader = new DolReader(dol);
        while (reader.TryRead(out var entry))
        {
            var field = buffer.AsSpan(offset, entry.Length);
            if (terminal.TryGet(entry.Tag, out var value, out var numeric))
            {
                Fit(value, field, numeric);
            }
            offset += entry.Length;
        }
        data = buffer;
        return reader.Error;
    }

    /// <summary>
    /// EMV Book 3 5.4: a numeric (n) value is cut or zero-padded on the left, any other value
    /// is cut or zero-padded on the right. <paramref name="field"/> starts as zeros.
    /// </summary>
    internal static void Fit(ReadOnlySpan<byte> value, Span<byte> field, bool numeric)
    {
        if (numeric)
        {
            if (value.Length >= field.Length) value[^field.Length..].CopyTo(field);
            else value.CopyTo(field[(field.Length - value.Length)..]);
        }
        else
        {
            var count = Math.Min(value.Length, field.Length);
            value[..count].CopyTo(field);
        }
    }
}
