namespace Validator.Core.Cards;

/// <summary>Whole-tree operations on BER-TLV bytes: validation and tag search, both bounded in depth.</summary>
internal static class TlvTree
{
    /// <summary>EMV responses nest four levels (6F / A5 / BF0C / 61); eight leaves room and still bounds the recursion.</summary>
    public const int MaxDepth = 8;

    /// <summary>Checks that every object, and every constructed object's content, decodes.</summary>
    public static TlvError Validate(ReadOnlySpan<byte> data) => Validate(data, 0);

    private static TlvError Validate(ReadOnlySpan<byte> data, int depth)
    {
        if (depth > MaxDepth) return TlvError.TooDeep;
        var reader = new TlvReader(data);
        while (reader.TryRead(out var element))
        {
            if (!element.IsConstructed) continue;
            var inner = Validate(element.Value, depth + 1);
            if (inner != TlvError.None) return inner;
        }
        return reader.Error;
    }

    /// <summary>
    /// Finds the first object with <paramref name="tag"/>, searching constructed objects depth-first.
    /// Stops at malformed bytes; validate first when the difference between "absent" and "unreadable" matters.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> data, uint tag, out ReadOnlySpan<byte> value) =>
        TryFind(data, tag, 0, out value);

    private static bool TryFind(ReadOnlySpan<byte> data, uint tag, int depth, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (depth > MaxDepth) return false;
        var reader = new TlvReader(data);
        while (reader.TryRead(out var element))
        {
            if (element.Tag == tag)
            {
                value = element.Value;
                return true;
            }
            if (element.IsConstructed && TryFind(element.Value, tag, depth + 1, out value)) return true;
        }
        return false;
    }

    /// <summary>Reads the one top-level template of a response (padding may surround it, nothing else) and checks its content.</summary>
    public static TlvError ReadTemplate(ReadOnlySpan<byte> data, out Tlv template)
    {
        template = default;
        var error = Validate(data);
        if (error != TlvError.None) return error;
        var reader = new TlvReader(data);
        if (!reader.TryRead(out template)) return TlvError.Empty;
        return reader.TryRead(out _) ? TlvError.TrailingData : TlvError.None;
    }
}
