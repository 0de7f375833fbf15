using System.Globalization;

namespace Validator.Core.Clock;

/// <summary>
/// The last trusted time in a small text file (UTC ticks), replaced atomically by write-then-rename so a power cut
/// leaves the old or the new value, never a torn one. An adapter at the edge of the core.
/// </summary>
public sealed class LastTrustedTimeFile : ILastTrustedTime
{
    private readonly string _path;

    /// <summary>Uses the file at <paramref name="path"/>; it need not exist yet.</summary>
    public LastTrustedTimeFile(string path) => _path = path ?? throw new ArgumentNullException(nameof(path));

    /// <inheritdoc />
    public DateTimeOffset? Load()
    {
        if (!File.Exists(_path)) return null;
        var text = File.ReadAllText(_path).Trim();
        // A damaged file only costs the "behind" check until the next sync; it must not stop taps.
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;
    }

    /// <inheritdoc />
    public void Save(DateTimeOffset time)
    {
        var temp = _path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(time.UtcTicks.ToString(CultureInfo.InvariantCulture));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
    }
}
