using System.Runtime.InteropServices;
using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// One deny entry packed into 32 bytes, so a million entries fit in 32 MB and a lookup is a
/// binary search over one array rather than a walk through a million objects.
/// </summary>
/// <param name="High">First half of the card token.</param>
/// <param name="Low">Second half of the card token.</param>
/// <param name="Expiry">Expiry YYMM of the blocked issue as a number; 0 for any issue.</param>
/// <param name="Psn">PAN sequence number of the blocked issue; <see cref="AnyPsn"/> for any issue.</param>
/// <param name="Reason">Why the card is blocked.</param>
/// <param name="AddedTicks">When the back office added the entry, as UTC ticks.</param>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct DenyRow(ulong High, ulong Low, ushort Expiry, ushort Psn, DenyReason Reason, long AddedTicks)
{
    /// <summary>The <see cref="Psn"/> value that means "any PSN".</summary>
    public const ushort AnyPsn = ushort.MaxValue;

    /// <summary>Orders rows by key, for bisection and merging.</summary>
    public static IComparer<DenyRow> KeyOrder { get; } = Comparer<DenyRow>.Create(static (a, b) => a.CompareTo(b));

    /// <summary>Orders rows by key, then by added-at time (then reason, so ties are decided the same way every time): the newest entry for a key sorts last.</summary>
    public static IComparer<DenyRow> KeyThenAddedOrder { get; } = Comparer<DenyRow>.Create(static (a, b) =>
    {
        var c = a.CompareTo(b);
        if (c != 0) return c;
        c = a.AddedTicks.CompareTo(b.AddedTicks);
        return c != 0 ? c : a.Reason.CompareTo(b.Reason);
    });

    /// <summary>Packs an entry; throws <see cref="ArgumentException"/> on a malformed expiry or an unknown reason.</summary>
    public static DenyRow From(DenyEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Enum.IsDefined(entry.Reason)) throw new ArgumentException($"Deny reason {(int)entry.Reason} is not known.", nameof(entry));
        return new(entry.Token.High, entry.Token.Low, CardExpiry.ParseOptional(entry.Expiry, nameof(entry)), entry.Psn ?? AnyPsn, entry.Reason, entry.AddedAt.UtcTicks);
    }

    /// <summary>Packs a removal key with placeholder reason and time (keys compare without them).</summary>
    public static DenyRow From(DenyKey key) =>
        new(key.Token.High, key.Token.Low, CardExpiry.ParseOptional(key.Expiry, nameof(key)), key.Psn ?? AnyPsn, default, 0);

    /// <summary>The token this row blocks.</summary>
    public CardToken Token => new(High, Low);

    /// <summary>Back to the entry form.</summary>
    public DenyEntry ToEntry() => new()
    {
        Token = Token,
        Expiry = CardExpiry.Format(Expiry),
        Psn = Psn == AnyPsn ? null : (byte)Psn,
        Reason = Reason,
        AddedAt = new DateTimeOffset(AddedTicks, TimeSpan.Zero),
    };

    /// <summary>The key of this row.</summary>
    public DenyKey ToKey() => new(Token, CardExpiry.Format(Expiry), Psn == AnyPsn ? null : (byte)Psn);

    /// <summary>True when this row blocks a card issue with <paramref name="expiry"/> and <paramref name="psn"/> (0 / AnyPsn: the card did not say).</summary>
    public bool Blocks(ushort expiry, ushort psn) =>
        // A narrowing the card cannot be checked against still blocks: an unknown issue is not proof of a new one.
        (Expiry == 0 || expiry == 0 || Expiry == expiry) && (Psn == AnyPsn || psn == AnyPsn || Psn == psn);

    /// <summary>Orders by token, then expiry, then PSN: the key without reason and time.</summary>
    public int CompareTo(DenyRow other)
    {
        var c = High.CompareTo(other.High);
        if (c != 0) return c;
        c = Low.CompareTo(other.Low);
        if (c != 0) return c;
        c = Expiry.CompareTo(other.Expiry);
        return c != 0 ? c : Psn.CompareTo(other.Psn);
    }

    /// <summary>Same key (reason and time ignored).</summary>
    public bool SameKey(DenyRow other) => CompareTo(other) == 0;
}
