namespace Validator.Pcsc;

/// <summary>Timing of the reader monitor's recovery.</summary>
public sealed class ReaderMonitorOptions
{
    /// <summary>First wait after a failure; doubled on each further failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between attempts; at most 1 s so a restarted pcscd is picked up within 2 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest single wait for a change; after it the reader list is read again. pcsc-lite 1.9.9 can miss a reader
    /// plugged in between two waits, so this bounds how long such a reader goes unseen.
    /// </summary>
    public TimeSpan ReaderListRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a continuing outage is logged again at warning level.</summary>
    public TimeSpan OutageLogInterval { get; set; } = TimeSpan.FromSeconds(60);
}
