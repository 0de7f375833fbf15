using LiteDB;
using Validator.Core.Cards;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// Entitlements as LiteDB documents, keyed by the back office's id: the form files held before the packed chunks
/// (<see cref="EntitlementChunks"/>). Such a file is read as it is and repacked by its first delta; writing this form
/// is kept so that an old file can be made again and its reading checked.
/// </summary>
internal static class EntitlementDocuments
{
    public static BsonDocument ToDocument(Entitlement e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.Validate(); // an entry from the network: refused with ArgumentException before anything is written
        var doc = new BsonDocument
        {
            ["_id"] = e.Id,
            ["p"] = e.Product,
            ["f"] = e.ValidFrom.DayNumber,
            ["u"] = e.ValidTo.DayNumber,
            ["d"] = (int)e.Days,
        };
        if (e.Token is { } token) doc["t"] = token.ToBytes();
        if (e.Par is not null) doc["par"] = e.Par;
        if (e.Lines.Count > 0) doc["l"] = new BsonArray(e.Lines.Select(l => new BsonValue(l)));
        if (e.Zones.Count > 0) doc["z"] = new BsonArray(e.Zones.Select(z => new BsonValue(z)));
        if (e.Windows.Count > 0)
        {
            doc["w"] = new BsonArray(e.Windows.SelectMany(w => new[] { new BsonValue(w.Start.Ticks), new BsonValue(w.End.Ticks) }));
        }
        return doc;
    }

    /// <summary>Reads a stored entitlement; throws <see cref="FormatException"/> on a malformed one.</summary>
    public static Entitlement ToEntitlement(BsonDocument doc)
    {
        var id = doc["_id"];
        if (!id.IsString) throw new FormatException("an entitlement has no id");
        var token = doc["t"];
        var entitlement = new Entitlement
        {
            Id = id.AsString,
            Token = token.IsBinary ? CardToken.FromBytes(token.AsBinary) : null,
            Par = doc["par"].IsString ? doc["par"].AsString : null,
            Product = String(doc, "p"),
            ValidFrom = DateOnly.FromDayNumber(Int(doc, "f")),
            ValidTo = DateOnly.FromDayNumber(Int(doc, "u")),
            Days = (Weekdays)Int(doc, "d"),
            Lines = Strings(doc["l"]),
            Zones = Strings(doc["z"]),
            Windows = Windows(doc["w"]),
        };
        try
        {
            entitlement.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
        return entitlement;
    }

    private static string String(BsonDocument doc, string field) =>
        doc[field].IsString ? doc[field].AsString : throw new FormatException($"an entitlement lacks field '{field}'");

    private static int Int(BsonDocument doc, string field) =>
        doc[field].IsInt32 ? doc[field].AsInt32 : throw new FormatException($"an entitlement lacks field '{field}'");

    private static string[] Strings(BsonValue value)
    {
        if (value.IsNull) return [];
        if (!value.IsArray) throw new FormatException("an entitlement has a malformed line or zone list");
        return value.AsArray.Select(v => v.IsString ? v.AsString : throw new FormatException("an entitlement has a malformed line or zone")).ToArray();
    }

    private static TimeWindow[] Windows(BsonValue value)
    {
        if (value.IsNull) return [];
        if (!value.IsArray || value.AsArray.Count % 2 != 0) throw new FormatException("an entitlement has malformed time windows");
        var array = value.AsArray;
        var windows = new TimeWindow[array.Count / 2];
        for (var i = 0; i < windows.Length; i++)
        {
            windows[i] = new TimeWindow(TimeOfDay(array[2 * i]), TimeOfDay(array[2 * i + 1]));
        }
        return windows;
    }

    private static TimeOnly TimeOfDay(BsonValue value) =>
        value.IsInt64 && value.AsInt64 >= 0 && value.AsInt64 < TimeSpan.TicksPerDay
            ? new TimeOnly(value.AsInt64)
            : throw new FormatException("an entitlement has a malformed time of day");
}
