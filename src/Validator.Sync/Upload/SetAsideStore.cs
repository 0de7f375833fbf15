using System.Globalization;
using System.Text.Json;
using Validator.Core.Taps;
using Validator.Storage.Journal;

namespace Validator.Sync.Upload;

/// <summary>
/// Refused taps, one file per batch in <c>rejected/</c>. The journal's cursor moves past them only after the file is
/// on disk: once acknowledged, this file is their only copy on the device.
/// </summary>
internal sealed class SetAsideStore(string stateDirectory, TimeProvider time)
{
    public string Directory { get; } = Path.Combine(stateDirectory, "rejected");

    public string Write(IReadOnlyList<TapRecord> taps, string reason)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = string.Create(CultureInfo.InvariantCulture, $"taps-{taps[0].Sequence:D19}-{taps[^1].Sequence:D19}.json");
        var path = Path.Combine(Directory, name);
        var batch = new SetAsideBatch { SetAsideAt = time.GetUtcNow(), Reason = reason, Taps = taps };
        using (var stream = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, batch, SyncStateJsonContext.Default.SetAsideBatch);
            stream.Flush(flushToDisk: true);
        }
        File.Move(path + ".tmp", path, overwrite: true);
        Durability.FlushDirectory(Directory);
        return path;
    }

    /// <summary>Every set-aside batch, oldest first.</summary>
    public IReadOnlyList<SetAsideBatch> ReadAll() =>
        !System.IO.Directory.Exists(Directory)
            ? []
            : System.IO.Directory.GetFiles(Directory, "taps-*.json").Order(StringComparer.Ordinal)
                .Select(f => JsonSerializer.Deserialize(File.ReadAllBytes(f), SyncStateJsonContext.Default.SetAsideBatch)!)
                .ToList();
}
