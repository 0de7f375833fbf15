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
}
