namespace Validator.Core.Clock;

/// <summary>Tells whether the system clock has been synchronised since boot.</summary>
public interface IClockSyncSource
{
    /// <summary>True once the clock was set from a trusted source in this boot.</summary>
    bool IsSynchronized { get; }
}
