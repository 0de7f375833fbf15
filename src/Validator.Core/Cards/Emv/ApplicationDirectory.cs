namespace Validator.Core.Cards;

/// <summary>Reads the list of applications from a PPSE answer (or PSE directory records) and keeps the supported ones.</summary>
internal static class ApplicationDirectory
{
    /// <summary>
    /// Parses the PPSE FCI (6F / A5 / BF0C / 61 entries, EMV Book B 3.3.1) into supported candidates, sorted.
    /// </summary>
    public static TlvError TryParsePpse(ReadOnlySpan<byte> fci, IReadOnlyList<SupportedApplication> supported, out List<ApplicationCandidate> candidates)
    {
        candidates = [];
        var error = TlvTree.ReadTemplate(fci, out var template);
        if (error != TlvError.None) return error;
        if (template.Tag != 0x6F) return TlvError.Empty;
        if (!TlvTree.TryFind(template.Value, 0xBF0C, out var directory)) return TlvError.None;
        var found = new List<ApplicationCandidate>();
        AddEntries(directory, supported, found);
        candidates = ApplicationCandidate.Sort(found);
        return TlvError.None;
    }

    /// <summary>Adds every supported application template (61) found directly in <paramref name="data"/>.</summary>
    public static void AddEntries(ReadOnlySpan<byte> data, IReadOnlyList<SupportedApplication> supported, List<ApplicationCandidate> found)
    {
        var reader = new TlvReader(data);
        while (reader.TryRead(out var entry))
        {
            if (entry.Tag != 0x61) continue;
            if (!TlvTree.TryFind(entry.Value, 0x4F, out var aid) || aid.Length is < 5 or > 16) continue;
            var match = Match(aid, supported);
            if (match is null) continue;
            var priority = TlvTree.TryFind(entry.Value, 0x87, out var api) && api.Length == 1 ? api[0] & 0x0F : 0;
            found.Add(new ApplicationCandidate(aid.ToArray(), match, priority, found.Count));
        }
    }

    /// <summary>
    /// The supported application whose AID is a prefix of the card's AID (EMV Book 1 12.3.1 partial selection);
    /// the longest such prefix wins when several match.
    /// </summary>
    public static SupportedApplication? Match(ReadOnlySpan<byte> cardAid, IReadOnlyList<SupportedApplication> supported)
    {
        SupportedApplication? best = null;
        foreach (var application in supported)
        {
            var prefix = application.Aid.Span;
            if (cardAid.StartsWith(prefix) && (best is null || prefix.Length > best.Aid.Length)) best = application;
        }
        return best;
    }
}
