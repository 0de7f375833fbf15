using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Backoffice.Endpoints;

/// <summary>The version a list change produced.</summary>
/// <param name="List">Which list changed.</param>
/// <param name="Version">Its new version.</param>
public sealed record ListVersionChange(ListKind List, long Version);

/// <summary>Counters of the back office, for tests and the demo.</summary>
public sealed record BackofficeStats
{
    /// <summary>Taps stored over every device.</summary>
    public required long TapsStored { get; init; }

    /// <summary>Taps received again after they had been stored (resends after a lost answer).</summary>
    public required long DuplicatesReceived { get; init; }

    /// <summary>Tap batches stored since start.</summary>
    public required long BatchesReceived { get; init; }

    /// <summary>The newest version of each list.</summary>
    public required ListVersions Lists { get; init; }
}
