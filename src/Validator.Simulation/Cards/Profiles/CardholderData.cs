namespace Validator.Simulation.Cards;

/// <summary>
/// The account data a virtual payment card carries. Test and demo data only: real PANs never belong here,
/// and none of this may be printed.
/// </summary>
/// <param name="Pan">12 to 19 digits.</param>
/// <param name="Expiry">YYMM.</param>
/// <param name="Psn">PAN sequence number 0..99.</param>
/// <param name="Par">Payment Account Reference (29 characters), or null.</param>
public sealed record CardholderData(string Pan, string Expiry, byte Psn = 0, string? Par = null)
{
    /// <summary>Checks the fields and gives the value; throws <see cref="ArgumentException"/> for test data that no card could carry.</summary>
    public CardholderData Validated()
    {
        if (Pan.Length is < 12 or > 19 || !Pan.All(char.IsAsciiDigit)) throw new ArgumentException("A PAN is 12 to 19 digits.", nameof(Pan));
        if (Expiry.Length != 4 || !Expiry.All(char.IsAsciiDigit)) throw new ArgumentException("The expiry is YYMM.", nameof(Expiry));
        if (Psn > 99) throw new ArgumentException("The PAN sequence number is two digits.", nameof(Psn));
        return this;
    }

    /// <summary>5F24: expiry as YYMMDD (last day of the month does not matter to readers; 31 is used).</summary>
    internal byte[] ExpiryDate() => SimTlv.CompressedNumeric(Expiry + "31");

    /// <summary>5F34 as packed BCD.</summary>
    internal byte[] PsnBcd() => [(byte)(((Psn / 10) << 4) | (Psn % 10))];

    /// <summary>Hides the PAN from test output and logs.</summary>
    public override string ToString() => $"card ending {Pan[^4..]}, expiry {Expiry}, PSN {Psn}";
}
