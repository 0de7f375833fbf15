using System.Text.Json;
using Validator.Storage.Journal;

namespace Validator.Sync.Upload;

/// <summary>Reads and atomically replaces the uploader's state file (write a temporary file, sync, rename, sync the directory).</summary>
internal sealed class UploaderStateFile(string directory)
{
    private const string FileName = "upload-state.json";

    public string Path => System.IO.Path.Combine(directory, FileName);

    /// <summary>The stored state; a fresh one when there is none or it cannot be read (the worst case is retrying early).</summary>
    public UploaderState Load()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(Path), SyncStateJsonContext.Default.UploaderState) ?? new UploaderState();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return new UploaderState();
        }
    }

    public void Save(UploaderState state)
    {
        Directory.CreateDirectory(directory);
        var temporary = Path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, SyncStateJsonContext.Default.UploaderState);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
        Durability.FlushDirectory(directory);
    }
}
