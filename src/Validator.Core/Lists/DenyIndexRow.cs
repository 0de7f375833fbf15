using System.Runtime.InteropServices;

namespace Validator.Core.Lists;

/// <summary>
/// What a lookup needs of one deny entry, in 20 bytes: the token and, packed into 4, expiry, PSN and reason. The
/// added-at time is not here; it stays in the store (see <see cref="DenyList"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct DenyIndexRow
{
    // _narrow: bits 0-8 PSN (AnyPsnCode for any), bits 9-22 expiry YYMM (0 for any), bits 23-25 reason. Expiry above PSN,
    // so the low 23 bits compare in key order (expiry, then PSN) as one number.
    private const int ExpiryShift = 9;
    private const int ReasonShift = 23;
    private const uint AnyPsnCode = 0x1FF;
    private const uint KeyMask = (1u << ReasonShift) - 1;
    private const uint ExpiryMask = (1u << (ReasonShift - ExpiryShift)) - 1;

    public readonly ulong High;
    public readonly ulong Low;
    private readonly uint _narrow;

    public DenyIndexRow(ulong high, ulong low, ushort expiry, ushort psn, DenyReason reason)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expiry, (ushort)9999);
        if (psn > byte.MaxValue && psn != DenyRow.AnyPsn) throw new ArgumentOutOfRangeException(nameof(psn), psn, "A PSN is 0..255 or AnyPsn.");
        if ((uint)reason > 7) throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a deny reason.");
        High = high;
        Low = low;
        _narrow = (psn == DenyRow.AnyPsn ? AnyPsnCode : psn) | ((uint)expiry << ExpiryShift) | ((uint)reason << ReasonShift);
    }

    public ushort Expiry => (ushort)((_narrow >> ExpiryShift) & ExpiryMask);

    public ushort Psn => (_narrow & AnyPsnCode) == AnyPsnCode ? DenyRow.AnyPsn : (ushort)(_narrow & AnyPsnCode);

    public DenyReason Reason => (DenyReason)(_narrow >> ReasonShift);

    public DenyRow WithAddedTicks(long ticks) => new(this, ticks);

    /// <summary>True when this row blocks a card issue with <paramref name="expiry"/> and <paramref name="psn"/> (0 / AnyPsn: the card did not say).</summary>
    public bool Blocks(ushort expiry, ushort psn)
    {
        // A narrowing the card cannot be checked against still blocks: an unknown issue is not proof of a new one.
        var own = Expiry;
        var ownPsn = Psn;
        return (own == 0 || expiry == 0 || own == expiry) && (ownPsn == DenyRow.AnyPsn || psn == DenyRow.AnyPsn || ownPsn == psn);
    }

    /// <summary>Orders by token, then expiry, then PSN: the key without reason.</summary>
    public int CompareTo(in DenyIndexRow other)
    {
        var c = High.CompareTo(other.High);
        if (c != 0) return c;
        c = Low.CompareTo(other.Low);
        return c != 0 ? c : (_narrow & KeyMask).CompareTo(other._narrow & KeyMask);
    }

    public bool SameKey(in DenyIndexRow other) => High == other.High && Low == other.Low && (_narrow & KeyMask) == (other._narrow & KeyMask);

    public bool SameRow(in DenyIndexRow other) => High == other.High && Low == other.Low && _narrow == other._narrow;
}
