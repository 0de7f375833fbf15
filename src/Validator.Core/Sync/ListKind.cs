using System.Text.Json.Serialization;

namespace Validator.Core.Sync;

/// <summary>The lists the back office publishes; each has its own version.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ListKind>))]
public enum ListKind
{
    /// <summary>The deny list.</summary>
    [JsonStringEnumMemberName("deny")]
    Deny,

    /// <summary>The entitlements (passes).</summary>
    [JsonStringEnumMemberName("entitlements")]
    Entitlements,

    /// <summary>The fare policy.</summary>
    [JsonStringEnumMemberName("policy")]
    Policy,
}

/// <summary>Whether a list package replaces the list or changes it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ListPackageFormat>))]
public enum ListPackageFormat
{
    /// <summary>The whole list at one version.</summary>
    [JsonStringEnumMemberName("snapshot")]
    Snapshot,

    /// <summary>The changes from one version to another.</summary>
    [JsonStringEnumMemberName("delta")]
    Delta,
}

/// <summary>The names lists have in URLs.</summary>
public static class ListKinds
{
    /// <summary>The URL segment for <paramref name="kind"/>.</summary>
    public static string ToSegment(this ListKind kind) => kind switch
    {
        ListKind.Deny => "deny",
        ListKind.Entitlements => "entitlements",
        ListKind.Policy => "policy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a URL segment.</summary>
    public static bool TryParse(string? segment, out ListKind kind)
    {
        switch (segment)
        {
            case "deny": kind = ListKind.Deny; return true;
            case "entitlements": kind = ListKind.Entitlements; return true;
            case "policy": kind = ListKind.Policy; return true;
            default: kind = default; return false;
        }
    }
}
