namespace Validator.Core.Lists;

/// <summary>The versions of the three lists a decision was taken with; 0 means "not loaded".</summary>
/// <param name="DenyList">Deny list version.</param>
/// <param name="Entitlements">Entitlements version.</param>
/// <param name="Policy">Fare policy version.</param>
public readonly record struct ListVersions(long DenyList, long Entitlements, long Policy);
