namespace Validator.Core.Fares;

/// <summary>The last accepted tap of a card: when, and with which product (null for pay-as-you-go).</summary>
/// <param name="At">Device clock at the tap.</param>
/// <param name="Product">Product of the pass used; null for pay-as-you-go.</param>
public readonly record struct RecentTap(DateTimeOffset At, string? Product);
