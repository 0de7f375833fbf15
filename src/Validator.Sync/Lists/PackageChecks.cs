using System.Globalization;
using Validator.Core.Sync;

namespace Validator.Sync.Lists;

/// <summary>The checks a verified package must pass before it may be applied: right list, forward only, not expired, complete.</summary>
internal static class PackageChecks
{
    /// <summary>Null when <paramref name="package"/> may be applied on top of version <paramref name="held"/>, else why not.</summary>
    public static string? Problem(ListPackage package, ListKind expected, long held, DateTimeOffset now)
    {
        // The enum values come from signed JSON, but a number outside the enum still parses.
        if (!Enum.IsDefined(package.List)) return string.Create(CultureInfo.InvariantCulture, $"the package names an unknown list ({(int)package.List})");
        if (!Enum.IsDefined(package.Format)) return string.Create(CultureInfo.InvariantCulture, $"the package has an unknown format ({(int)package.Format})");
        if (HasNull(package.DenyEntries) || HasNull(package.DenyAdded) || HasNull(package.Entitlements) || HasNull(package.EntitlementsAdded)
            || HasNull(package.EntitlementsRemoved) || (package.Policy is { } policy && (policy.Products is null || HasNull(policy.Products))))
            return "the package holds null where an entry goes";
        if (package.List != expected) return $"the package is for the {package.List.ToSegment()} list, not {expected.ToSegment()}";
        if (package.Version <= held)
            return string.Create(CultureInfo.InvariantCulture, $"version {package.Version} is not newer than version {held} in service (a rollback is refused)");
        if (package.Format == ListPackageFormat.Delta && package.FromVersion != held)
            return string.Create(CultureInfo.InvariantCulture, $"the delta is from version {package.FromVersion}, but version {held} is in service");
        if (now > package.ExpiresAt)
            return string.Create(CultureInfo.InvariantCulture, $"the package expired at {package.ExpiresAt:O} (device clock {now:O})");
        if (package.CountEntries() != package.EntryCount)
            return string.Create(CultureInfo.InvariantCulture, $"the package says {package.EntryCount} entries but holds {package.CountEntries()}");
        var complete = (expected, package.Format) switch
        {
            (ListKind.Deny, ListPackageFormat.Snapshot) => package.DenyEntries is not null,
            (ListKind.Deny, ListPackageFormat.Delta) => package.DenyAdded is not null && package.DenyRemoved is not null,
            (ListKind.Entitlements, ListPackageFormat.Snapshot) => package.Entitlements is not null,
            (ListKind.Entitlements, ListPackageFormat.Delta) => package.EntitlementsAdded is not null && package.EntitlementsRemoved is not null,
            (ListKind.Policy, ListPackageFormat.Snapshot) => package.Policy is not null,
            _ => false,
        };
        return complete ? null : $"a {package.Format.ToString().ToLowerInvariant()} of the {expected.ToSegment()} list without its content";
    }

    private static bool HasNull<T>(IReadOnlyList<T?>? items)
        where T : class => items is not null && items.Contains(null);
}
