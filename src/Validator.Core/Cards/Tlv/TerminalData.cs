namespace Validator.Core.Cards;

/// <summary>The terminal-side data objects a card may ask for in PDOL or CDOL1, for one read.</summary>
internal sealed class TerminalData
{
    private readonly Dictionary<uint, (byte[] Value, bool Numeric)> _values = [];

    /// <summary>Sets a value; <paramref name="numeric"/> marks EMV format n (padded on the left).</summary>
    public void Set(uint tag, byte[] value, bool numeric = false) => _values[tag] = (value, numeric);

    /// <summary>Gets the value for <paramref name="tag"/> if the terminal has one.</summary>
    public bool TryGet(uint tag, out ReadOnlySpan<byte> value, out bool numeric)
    {
        if (_values.TryGetValue(tag, out var entry))
        {
            value = entry.Value;
            numeric = entry.Numeric;
            return true;
        }
        value = default;
        numeric = false;
        return false;
    }
}
