using System.Globalization;
using Validator.Core.Sync;

namespace Validator.Sync.Lists;

/// <summary>
/// The checks a verified package must pass before anything of it is applied: right list, forward only, not expired,
/// complete. They read the scan of the file (header and entry counts), so a million-entry package is checked before a
/// single entry of it is stored.
/// </summary>
internal static class PackageChecks
{
    /// <summary>Null when the scanned package may be applied on top of version <paramref name="held"/>, else why not.</summary>
    public static string? Problem(PackageScan scan, ListKind expected, long held, DateTimeOffset now)
    {
        var package = scan.Header;
        // The header comes from signed JSON, but a value outside the enums must still be refused by name.
        if (!Enum.IsDefined(package.List)) return string.Create(CultureInfo.InvariantCulture, $"the package names an unknown list ({(int)package.List})");
        if (!Enum.IsDefined(package.Format)) return string.Create(CultureInfo.InvariantCulture, $"the package has an unknown format ({(int)package.Format})");
        if (package.List != expected) return $"the package is for the {package.List.ToSegment()} list, not {expected.ToSegment()}";
        if (package.Version <= held)
            return string.Create(CultureInfo.InvariantCulture, $"version {package.Version} is not newer than version {held} in service (a rollback is refused)");
        if (package.Format == ListPackageFormat.Delta && package.FromVersion != held)
            return string.Create(CultureInfo.InvariantCulture, $"the delta is from version {package.FromVersion}, but version {held} is in service");
        if (now > package.ExpiresAt)
            return string.Create(CultureInfo.InvariantCulture, $"the package expired at {package.ExpiresAt:O} (device clock {now:O})");
        if (scan.Total != package.EntryCount)
            return string.Create(CultureInfo.InvariantCulture, $"the package says {package.EntryCount} entries but holds {scan.Total}");
        var complete = (expected, package.Format) switch
        {
            (ListKind.Deny, ListPackageFormat.Snapshot) => scan.DenyEntries is not null,
            (ListKind.Deny, ListPackageFormat.Delta) => scan.DenyAdded is not null && scan.DenyRemoved is not null,
            (ListKind.Entitlements, ListPackageFormat.Snapshot) => scan.Entitlements is not null,
            (ListKind.Entitlements, ListPackageFormat.Delta) => scan.EntitlementsAdded is not null && scan.EntitlementsRemoved is not null,
            (ListKind.Policy, ListPackageFormat.Snapshot) => scan.Policy,
            _ => false,
        };
        return complete ? null : $"a {package.Format.ToString().ToLowerInvariant()} of the {expected.ToSegment()} list without its content";
    }

    /// <summary>
    /// Null when <paramref name="package"/>, a small package read whole after its scan passed the checks, is the
    /// scanned package and holds no null where an entry goes, else why not.
    /// </summary>
    public static string? ContentProblem(ListPackage package, ListPackage header)
    {
        if (package.List != header.List || package.Format != header.Format || package.Version != header.Version)
            return "the package reads differently the second time";
        if (!Enum.IsDefined(package.List) || !Enum.IsDefined(package.Format)) return "the package names an unknown list or format";
        if (HasNull(package.DenyEntries) || HasNull(package.DenyAdded) || HasNull(package.Entitlements)
            || HasNull(package.EntitlementsAdded) || HasNull(package.EntitlementsRemoved)
            || (package.Policy is { } policy && (policy.Products is null || HasNull(policy.Products))))
            return "the package holds null where an entry goes";
        return null;
    }

    private static bool HasNull<T>(IReadOnlyList<T?>? items)
        where T : class => items is not null && items.Contains(null);
}
