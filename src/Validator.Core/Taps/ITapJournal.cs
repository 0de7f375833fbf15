namespace Validator.Core.Taps;

/// <summary>The durable record of taps, as the tap path sees it.</summary>
public interface ITapJournal
{
    /// <summary>
    /// Stores <paramref name="tap"/> durably and returns it with its sequence number; feedback may start once this
    /// returns. Throws <see cref="IOException"/> when the tap cannot be made durable (disk full, I/O error).
    /// </summary>
    TapRecord Append(TapRecord tap);

    /// <summary>The last tap stored, or null when there is none or the journal cannot say.</summary>
    TapRecord? LastStored => null;

    /// <summary>
    /// How long the last <see cref="Append"/> waited for the storage device to confirm the tap (its sync), as part of
    /// the append's time, also when it failed; zero when the journal does not sync or cannot say. Read it on the
    /// appending thread.
    /// </summary>
    TimeSpan LastSyncTime => TimeSpan.Zero;
}
