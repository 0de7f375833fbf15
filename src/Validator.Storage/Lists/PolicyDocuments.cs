using LiteDB;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>The fare policy as one LiteDB document.</summary>
internal static class PolicyDocuments
{
    public static BsonDocument ToDocument(FarePolicy policy) => new()
    {
        ["_id"] = "current",
        ["products"] = new BsonArray(policy.Products.Select(p => new BsonDocument { ["c"] = p.Code, ["n"] = p.Name })),
        ["payg"] = policy.AcceptPayAsYouGo,
        ["repeat"] = policy.RepeatTapWindow.Ticks,
        ["clock"] = (int)policy.ClockPolicy,
        ["denyMaxAge"] = policy.DenyListMaxAge.Ticks,
        ["entMaxAge"] = policy.EntitlementsMaxAge.Ticks,
        ["paygFresh"] = policy.PayAsYouGoNeedsFreshDenyList,
        ["tz"] = policy.TimeZoneId,
    };

    /// <summary>Reads the stored policy; throws <see cref="FormatException"/> on a malformed one.</summary>
    public static FarePolicy ToPolicy(BsonDocument doc)
    {
        var products = doc["products"];
        if (!products.IsArray) throw new FormatException("the policy has no product catalogue");
        return new FarePolicy
        {
            Products = products.AsArray.Select(p => p.IsDocument && p["c"].IsString && p["n"].IsString
                ? new Product(p["c"].AsString, p["n"].AsString)
                : throw new FormatException("the policy has a malformed product")).ToArray(),
            AcceptPayAsYouGo = Bool(doc, "payg"),
            RepeatTapWindow = TimeSpan.FromTicks(Long(doc, "repeat")),
            ClockPolicy = Enum.IsDefined((ClockPolicy)Int(doc, "clock")) ? (ClockPolicy)Int(doc, "clock") : throw new FormatException("the policy has an unknown clock policy"),
            DenyListMaxAge = TimeSpan.FromTicks(Long(doc, "denyMaxAge")),
            EntitlementsMaxAge = TimeSpan.FromTicks(Long(doc, "entMaxAge")),
            PayAsYouGoNeedsFreshDenyList = Bool(doc, "paygFresh"),
            TimeZoneId = doc["tz"].IsString ? doc["tz"].AsString : throw new FormatException("the policy has no time zone"),
        };
    }

    private static bool Bool(BsonDocument doc, string field) =>
        doc[field].IsBoolean ? doc[field].AsBoolean : throw new FormatException($"the policy lacks field '{field}'");

    private static long Long(BsonDocument doc, string field) =>
        doc[field].IsInt64 ? doc[field].AsInt64 : throw new FormatException($"the policy lacks field '{field}'");

    private static int Int(BsonDocument doc, string field) =>
        doc[field].IsInt32 ? doc[field].AsInt32 : throw new FormatException($"the policy lacks field '{field}'");
}
