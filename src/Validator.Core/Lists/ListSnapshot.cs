namespace Validator.Core.Lists;

/// <summary>
/// One consistent set of lists a tap is decided on: deny list, entitlements and policy, each with its stamp.
/// Immutable; an update builds a new snapshot (sharing the unchanged parts) and swaps it in whole.
/// </summary>
public sealed class ListSnapshot
{
    private readonly HashSet<string> _productCodes;

    /// <summary>Creates a snapshot; throws <see cref="ArgumentException"/> when the policy names an unknown time zone.</summary>
    public ListSnapshot(DenyList denyList, ListStamp denyStamp, EntitlementIndex entitlements, ListStamp entitlementStamp, FarePolicy policy, ListStamp policyStamp)
    {
        DenyList = denyList ?? throw new ArgumentNullException(nameof(denyList));
        Entitlements = entitlements ?? throw new ArgumentNullException(nameof(entitlements));
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        DenyStamp = denyStamp;
        EntitlementStamp = entitlementStamp;
        PolicyStamp = policyStamp;
        TimeZone = ResolveTimeZone(policy.TimeZoneId);
        _productCodes = new HashSet<string>(policy.Products.Select(p => p.Code), StringComparer.Ordinal);
    }

    /// <summary>No lists loaded: nothing denied, no entitlements, the default policy.</summary>
    public static ListSnapshot Empty { get; } =
        new(DenyList.Empty, ListStamp.None, EntitlementIndex.Empty, ListStamp.None, FarePolicy.Default, ListStamp.None);

    /// <summary>The deny list.</summary>
    public DenyList DenyList { get; }

    /// <summary>Version and update time of the deny list.</summary>
    public ListStamp DenyStamp { get; }

    /// <summary>The entitlements.</summary>
    public EntitlementIndex Entitlements { get; }

    /// <summary>Version and update time of the entitlements.</summary>
    public ListStamp EntitlementStamp { get; }

    /// <summary>The fare policy.</summary>
    public FarePolicy Policy { get; }

    /// <summary>Version and update time of the fare policy.</summary>
    public ListStamp PolicyStamp { get; }

    /// <summary>The policy's time zone, resolved once per snapshot rather than per tap.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The three versions, as a decision records them.</summary>
    public ListVersions Versions => new(DenyStamp.Version, EntitlementStamp.Version, PolicyStamp.Version);

    /// <summary>True when the policy's catalogue lists <paramref name="code"/>.</summary>
    public bool IsKnownProduct(string code) => _productCodes.Contains(code);

    /// <summary>This snapshot with another deny list.</summary>
    public ListSnapshot With(DenyList denyList, ListStamp stamp) =>
        new(denyList, stamp, Entitlements, EntitlementStamp, Policy, PolicyStamp);

    /// <summary>This snapshot with other entitlements.</summary>
    public ListSnapshot With(EntitlementIndex entitlements, ListStamp stamp) =>
        new(DenyList, DenyStamp, entitlements, stamp, Policy, PolicyStamp);

    /// <summary>This snapshot with another policy.</summary>
    public ListSnapshot With(FarePolicy policy, ListStamp stamp) =>
        new(DenyList, DenyStamp, Entitlements, EntitlementStamp, policy, stamp);

    private static TimeZoneInfo ResolveTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new ArgumentException($"The fare policy names time zone '{id}', which this system does not know (is tzdata installed?).", e);
        }
        catch (InvalidTimeZoneException e)
        {
            throw new ArgumentException($"The time zone data for '{id}' is corrupt.", e);
        }
    }
}
