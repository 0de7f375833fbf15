using LiteDB;
using Validator.Core.Cards;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// Entitlements as LiteDB documents, keyed by the back office's id: the form files held before the packed chunks
/// (<see cref="EntitlementChunks"/>). Such a file is read as it is and repacked by its first delta. Fields: _id, product
/// "p", valid from "f" and to "u" (day numbers), days "d", token "t" (16 bytes), "par", lines "l", zones "z", windows
/// "w" (start and end ticks, in pairs).
/// </summary>
internal static class EntitlementDocuments
{
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
