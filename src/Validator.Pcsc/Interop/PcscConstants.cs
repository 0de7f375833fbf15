namespace Validator.Pcsc.Interop;

/// <summary>PC/SC constants with pcsc-lite's values.</summary>
internal static class PcscConstants
{
    public const uint ScopeSystem = 2;

    public const uint ShareExclusive = 1;
    public const uint ShareShared = 2;
    public const uint ShareDirect = 3;

    public const uint ProtocolT0 = 0x0001;
    public const uint ProtocolT1 = 0x0002;
    public const uint ProtocolRaw = 0x0004;

    public const uint LeaveCard = 0;
    public const uint ResetCard = 1;
    public const uint UnpowerCard = 2;

    public const uint Infinite = 0xFFFFFFFF;

    /// <summary>The pseudo reader whose state changes when readers are added or removed.</summary>
    public const string PnpNotification = @"\\?PnP?\Notification";

    public const uint AttrVendorName = 0x00010100;
    public const uint AttrVendorIfdVersion = 0x00010102;
    public const uint AttrAtrString = 0x00090303;
}

/// <summary>SCARD_STATE_* flags of a reader state; pcsc-lite keeps an event counter in the upper 16 bits.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1028:Enum Storage should be Int32", Justification = "Native flag word.")]
public enum ReaderState : uint
{
    /// <summary>The application does not know the state.</summary>
    Unaware = 0x0000,
    /// <summary>Ignore this reader.</summary>
    Ignore = 0x0001,
    /// <summary>The state differs from the one the application passed in.</summary>
    Changed = 0x0002,
    /// <summary>The reader name is not known.</summary>
    Unknown = 0x0004,
    /// <summary>The reader's state cannot be read.</summary>
    Unavailable = 0x0008,
    /// <summary>No card in the reader.</summary>
    Empty = 0x0010,
    /// <summary>A card is in the reader.</summary>
    Present = 0x0020,
    /// <summary>The card's ATR matches the one given.</summary>
    AtrMatch = 0x0040,
    /// <summary>The card is used exclusively by another application.</summary>
    Exclusive = 0x0080,
    /// <summary>The card is in use by another application.</summary>
    InUse = 0x0100,
    /// <summary>The card does not answer (no ATR).</summary>
    Mute = 0x0200,
    /// <summary>The card is not powered.</summary>
    Unpowered = 0x0400,
}
