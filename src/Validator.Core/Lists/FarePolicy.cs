namespace Validator.Core.Lists;

/// <summary>The fare rules the back office configures; a list like the others, with its own version.</summary>
public sealed record FarePolicy
{
    /// <summary>The products entitlements may name; an entitlement for a product not listed here is not honoured.</summary>
    public IReadOnlyList<Product> Products { get; init; } = [];

    /// <summary>Whether an EMV card without a valid pass is accepted and charged (pay-as-you-go).</summary>
    public bool AcceptPayAsYouGo { get; init; }

    /// <summary>A second tap of the same card within this time is "already validated", never a second charge.</summary>
    public TimeSpan RepeatTapWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>What to do when the clock is behind the last trusted time.</summary>
    public ClockPolicy ClockPolicy { get; init; } = ClockPolicy.UseLastTrustedDate;

    /// <summary>The deny list counts as stale when its last update is older than this.</summary>
    public TimeSpan DenyListMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The entitlements count as stale when their last update is older than this.</summary>
    public TimeSpan EntitlementsMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Refuse pay-as-you-go while the deny list is stale (a card blocked since then could travel unpaid).</summary>
    public bool PayAsYouGoNeedsFreshDenyList { get; init; }

    /// <summary>IANA time zone that entitlement dates and time windows are written in.</summary>
    public string TimeZoneId { get; init; } = "Europe/Berlin";

    /// <summary>The policy in force before the back office has sent one: passes only, no pay-as-you-go.</summary>
    public static FarePolicy Default { get; } = new();
}
