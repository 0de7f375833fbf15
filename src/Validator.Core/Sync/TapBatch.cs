using Validator.Core.Taps;

namespace Validator.Core.Sync;

/// <summary>A batch of taps a device uploads, in sequence order.</summary>
public sealed record TapBatch
{
    /// <summary>The most taps one batch may carry.</summary>
    public const int MaxTaps = 500;

    /// <summary>The taps; every one carries the sending device's id.</summary>
    public required IReadOnlyList<TapRecord> Taps { get; init; }
}

/// <summary>The back office's answer to a batch: which taps it holds now and which it refused.</summary>
public sealed record TapBatchReceipt
{
    /// <summary>Ids of taps that are stored, including those it already had from an earlier send.</summary>
    public required IReadOnlyList<Guid> Stored { get; init; }

    /// <summary>Taps refused one by one (malformed fields); resending them would fail again.</summary>
    public IReadOnlyList<RejectedTap> Rejected { get; init; } = [];
}

/// <summary>A tap the back office refused, with why.</summary>
/// <param name="Id">The tap's id.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record RejectedTap(Guid Id, string Reason);
