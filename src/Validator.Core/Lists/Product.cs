namespace Validator.Core.Lists;

/// <summary>A product in the fare policy's catalogue.</summary>
/// <param name="Code">Stable code used by entitlements, decisions and upstream records ("student-pass").</param>
/// <param name="Name">Name as shown to people.</param>
public sealed record Product(string Code, string Name);
