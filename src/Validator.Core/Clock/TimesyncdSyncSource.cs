namespace Validator.Core.Clock;

/// <summary>
/// Linux with systemd-timesyncd: the daemon creates /run/systemd/timesync/synchronized once it has set the clock.
/// /run is a tmpfs, so the file's presence means "synchronised in this boot". An adapter at the edge: the only I/O
/// is one stat per call.
/// </summary>
public sealed class TimesyncdSyncSource : IClockSyncSource
{
    /// <summary>Where timesyncd signals a completed sync (systemd-timesyncd.service(8)).</summary>
    public const string DefaultPath = "/run/systemd/timesync/synchronized";

    private readonly string _path;

    /// <summary>Watches <paramref name="path"/> (a different path for tests or another sync daemon's flag file).</summary>
    public TimesyncdSyncSource(string path = DefaultPath) => _path = path ?? throw new ArgumentNullException(nameof(path));

    /// <inheritdoc />
    public bool IsSynchronized => File.Exists(_path);
}
