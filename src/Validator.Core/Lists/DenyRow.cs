using System.Runtime.InteropServices;
using Validator.Core.Cards;

namespace Validator.Core.Lists;

/// <summary>
/// One deny entry packed into 28 bytes: token 16, expiry, PSN and reason 4, added-at 8. The form entries travel in
/// between the store, deltas and the in-memory list, which keeps only the first 20 bytes of each (see <see cref="DenyList"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct DenyRow
{
    /// <summary>The <see cref="Psn"/> value that means "any PSN".</summary>
    public const ushort AnyPsn = ushort.MaxValue;

    private readonly DenyIndexRow _key;

    /// <summary>Packs the fields; throws <see cref="ArgumentOutOfRangeException"/> for a PSN above 255 (other than <see cref="AnyPsn"/>), an expiry above 9999 or a reason above 7.</summary>
    /// <param name="high">First half of the card token.</param>
    /// <param name="low">Second half of the card token.</param>
    /// <param name="expiry">Expiry YYMM of the blocked issue as a number; 0 for any issue.</param>
    /// <param name="psn">PAN sequence number of the blocked issue; <see cref="AnyPsn"/> for any issue.</param>
    /// <param name="reason">Why the card is blocked.</param>
    /// <param name="addedTicks">When the back office added the entry, as UTC ticks.</param>
    public DenyRow(ulong high, ulong low, ushort expiry, ushort psn, DenyReason reason, long addedTicks)
        : this(new DenyIndexRow(high, low, expiry, psn, reason), addedTicks)
    {
    }

    internal DenyRow(DenyIndexRow key, long addedTicks)
    {
        _key = key;
        AddedTicks = addedTicks;
    }

    /// <summary>First half of the card token.</summary>
    public ulong High => _key.High;

    /// <summary>Second half of the card token.</summary>
    public ulong Low => _key.Low;

    /// <summary>When the back office added the entry, as UTC ticks.</summary>
    public long AddedTicks { get; }

    /// <summary>Expiry YYMM of the blocked issue as a number; 0 for any issue.</summary>
    public ushort Expiry => _key.Expiry;

    /// <summary>PAN sequence number of the blocked issue; <see cref="AnyPsn"/> for any issue.</summary>
    public ushort Psn => _key.Psn;

    /// <summary>Why the card is blocked.</summary>
    public DenyReason Reason => _key.Reason;

    internal DenyIndexRow Key => _key;

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

    /// <summary>Splits the row into its fields.</summary>
    public void Deconstruct(out ulong high, out ulong low, out ushort expiry, out ushort psn, out DenyReason reason, out long addedTicks)
    {
        high = High;
        low = Low;
        expiry = Expiry;
        psn = Psn;
        reason = Reason;
        addedTicks = AddedTicks;
    }

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
    public bool Blocks(ushort expiry, ushort psn) => _key.Blocks(expiry, psn);

    /// <summary>Orders by token, then expiry, then PSN: the key without reason and time.</summary>
    public int CompareTo(DenyRow other) => _key.CompareTo(other._key);

    /// <summary>Same key (reason and time ignored).</summary>
    public bool SameKey(DenyRow other) => _key.SameKey(other._key);
}
