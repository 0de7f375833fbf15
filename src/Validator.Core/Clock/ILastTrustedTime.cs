namespace Validator.Core.Clock;

/// <summary>Keeps the latest time known to be right across reboots, so a clock that boots in the past can be caught.</summary>
public interface ILastTrustedTime
{
    /// <summary>The saved time, or null when none was ever saved.</summary>
    DateTimeOffset? Load();

    /// <summary>Saves <paramref name="time"/> durably.</summary>
    void Save(DateTimeOffset time);
}
