namespace Validator.Storage.Tests.Journal;

/// <summary>A fresh directory under the temp path, deleted when disposed.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() =>
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tapjournal-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Path { get; }

    public string[] Segments() => [.. Directory.GetFiles(Path, "*.tapj").Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory does not affect other tests.
        }
    }
}
