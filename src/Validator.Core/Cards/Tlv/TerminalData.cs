namespace Validator.Core.Cards;

/// <summary>
/// The terminal-side data objects a card may ask for in PDOL or CDOL1, for one read. A handful of entries, searched
/// in order: one small array per read instead of a dictionary's growing tables (which were 40% of what a tap allocated).
/// </summary>
internal sealed class TerminalData
{
    private Entry[] _entries = new Entry[12];
    private int _count;

    /// <summary>Sets a value; <paramref name="numeric"/> marks EMV format n (padded on the left). The array is kept, not copied: never change it afterwards.</summary>
    public void Set(uint tag, byte[] value, bool numeric = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Tag != tag) continue;
            _entries[i] = new Entry(tag, value, numeric);
            return;
        }
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = new Entry(tag, value, numeric);
    }

    /// <summary>Gets the value for <paramref name="tag"/> if the terminal has one.</summary>
    public bool TryGet(uint tag, out ReadOnlySpan<byte> value, out bool numeric)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Tag != tag) continue;
            value = _entries[i].Value;
            numeric = _entries[i].Numeric;
            return true;
        }
        value = default;
        numeric = false;
        return false;
    }

    private readonly record struct Entry(uint Tag, byte[] Value, bool Numeric);
}
