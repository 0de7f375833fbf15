namespace Validator.Simulation.Cards;

/// <summary>How a virtual card reacts to one command.</summary>
public enum CardReplyKind
{
    /// <summary>The card answers with <see cref="CardReply.Bytes"/> (data and status word).</summary>
    Answer,

    /// <summary>The card stays silent: the reader sees no answer and times out.</summary>
    Silence,

    /// <summary>The card leaves the field before answering.</summary>
    Removed,
}

/// <summary>A virtual card's reaction to one command APDU.</summary>
/// <param name="Kind">Answer, silence or removal.</param>
/// <param name="Bytes">The raw response (data then SW1 SW2) when <paramref name="Kind"/> is Answer.</param>
public readonly record struct CardReply(CardReplyKind Kind, byte[] Bytes)
{
    /// <summary>An answer with raw bytes (data then SW1 SW2).</summary>
    public static CardReply Answer(byte[] raw) => new(CardReplyKind.Answer, raw);

    /// <summary>An answer with a data field and a status word.</summary>
    public static CardReply Answer(ReadOnlySpan<byte> data, ushort statusWord)
    {
        var raw = new byte[data.Length + 2];
        data.CopyTo(raw);
        raw[^2] = (byte)(statusWord >> 8);
        raw[^1] = (byte)statusWord;
        return new(CardReplyKind.Answer, raw);
    }

    /// <summary>A status word without data, e.g. 6A82 (file not found).</summary>
    public static CardReply Status(ushort statusWord) => Answer([], statusWord);

    /// <summary>No answer at all.</summary>
    public static CardReply Silence { get; } = new(CardReplyKind.Silence, []);

    /// <summary>The card is pulled away.</summary>
    public static CardReply Removed { get; } = new(CardReplyKind.Removed, []);
}
