namespace Validator.Storage.Journal;

/// <summary>Why the journal cannot take a tap; every value means "out of service" to the caller.</summary>
public enum JournalFault
{
    /// <summary>The disk is full; nothing already written is lost, appends work again once space is freed.</summary>
    DiskFull,

    /// <summary>A write failed for another reason; the tap was not journaled.</summary>
    WriteFailed,

    /// <summary>The disk did not confirm a sync; the journal refuses appends until it is reopened and recovered.</summary>
    SyncFailed,

    /// <summary>Another process has the journal open.</summary>
    Locked,

    /// <summary>A segment could not be read while opening.</summary>
    Unreadable,
}
