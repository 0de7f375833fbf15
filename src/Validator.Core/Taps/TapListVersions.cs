namespace Validator.Core.Taps;

/// <summary>
/// Versions of the synced lists a decision was taken with, so the back office can tell
/// a stale-list rejection from a correct one. Zero means "no list loaded".
/// </summary>
/// <param name="DenyList">Version of the deny list.</param>
/// <param name="Entitlements">Version of the entitlement list.</param>
/// <param name="Policy">Version of the fare policy (rules).</param>
public readonly record struct TapListVersions(long DenyList, long Entitlements, long Policy);
