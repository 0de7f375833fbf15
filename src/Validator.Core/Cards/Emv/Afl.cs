namespace Validator.Core.Cards;

/// <summary>One entry of the Application File Locator (tag 94): a range of records in one short file.</summary>
internal readonly record struct AflEntry(byte Sfi, byte FirstRecord, byte LastRecord, byte OfflineAuthenticationRecords);

/// <summary>Decodes the Application File Locator (EMV Book 3 10.2).</summary>
internal static class Afl
{
    /// <summary>Splits the AFL into entries; false when it breaks the rules of Book 3 10.2.</summary>
    public static bool TryParse(ReadOnlySpan<byte> afl, out AflEntry[] entries)
    {
        entries = [];
        if (afl.Length % 4 != 0) return false;
        var parsed = new AflEntry[afl.Length / 4];
        for (var i = 0; i < parsed.Length; i++)
        {
            var entry = afl.Slice(i * 4, 4);
            var sfi = (byte)(entry[0] >> 3);
            // The three low bits are zero; the SFI is 1..30; record 0 does not exist; the range is ordered;
            // the offline-authentication count fits the range.
            if ((entry[0] & 0x07) != 0 || sfi is 0 or 31) return false;
            if (entry[1] == 0 || entry[2] < entry[1]) return false;
            if (entry[3] > entry[2] - entry[1] + 1) return false;
            parsed[i] = new AflEntry(sfi, entry[1], entry[2], entry[3]);
        }
        entries = parsed;
        return true;
    }
}
