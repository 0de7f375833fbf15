namespace Validator.Pcsc;

/// <summary>Timing of the reader monitor's recovery.</summary>
public sealed class ReaderMonitorOptions
{
    /// <summary>First wait after a failure; doubled on each further failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between attempts; at most 1 s so a restarted pcscd is picked up within 2 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a continuing outage is logged again at warning level.</summary>
    public TimeSpan OutageLogInterval { get; set; } = TimeSpan.FromSeconds(60);
}
