using Validator.Core.Cards;
using Validator.Core.Lists;

namespace Validator.Core.Taps;

/// <summary>
/// One fare decision as the tap journal keeps it and the back office receives it.
/// It holds tokens and the last four digits only, never a card number.
/// </summary>
public sealed record TapRecord
{
    /// <summary>Unique id of the tap (UUID v7, so ids sort by creation time); see <see cref="NewId"/>.</summary>
    public required Guid Id { get; init; }

    /// <summary>The validator that saw the tap.</summary>
    public required string DeviceId { get; init; }

    /// <summary>Per-device sequence number, assigned by the journal on append; strictly increasing across restarts.</summary>
    public long Sequence { get; init; }

    /// <summary>When the tap was decided, by the device clock.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Whether the device clock was trusted (synchronised) when <see cref="Time"/> was taken.</summary>
    public required bool ClockTrusted { get; init; }

    /// <summary>Keyed token of the PAN (EMV) or of the UID.</summary>
    public required CardToken CardToken { get; init; }

    /// <summary>Keyed token of the Payment Account Reference, shared by a card and its wallet tokens; null when absent.</summary>
    public CardToken? ParToken { get; init; }

    /// <summary>PAN sequence number (tag 5F34); null when the card did not give one.</summary>
    public byte? Psn { get; init; }

    /// <summary>Application expiry as YYMM; null when unknown.</summary>
    public string? Expiry { get; init; }

    /// <summary>Last (up to) four digits of the PAN for support staff; null for UID cards.</summary>
    public string? Last4 { get; init; }

    /// <summary>Brand as shown to people ("Mastercard", "MIFARE Classic 1K", …).</summary>
    public required string Brand { get; init; }

    /// <summary>Decision code chosen by the fare engine (for example "accepted", "rejected").</summary>
    public required string Decision { get; init; }

    /// <summary>Stable reason code for the decision (for example "deny-list", "no-entitlement").</summary>
    public required string Reason { get; init; }

    /// <summary>Product or entitlement that was used; null when none.</summary>
    public string? Product { get; init; }

    /// <summary>Line the bus was serving; null when unknown.</summary>
    public string? Line { get; init; }

    /// <summary>Stop at which the tap happened; null when unknown.</summary>
    public string? Stop { get; init; }

    /// <summary>Versions of the local lists the decision was taken with.</summary>
    public ListVersions ListVersions { get; init; }

    /// <summary>A new UUID v7 stamped with <paramref name="time"/>'s current instant.</summary>
    public static Guid NewId(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Guid.CreateVersion7(time.GetUtcNow());
    }
}
