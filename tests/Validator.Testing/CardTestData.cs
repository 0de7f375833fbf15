using NUnit.Framework;
using System.Text.Json;

namespace Validator.Testing;

/// <summary>
/// The recorded card data in shared/testdata/cards, found by walking up from the test assembly:
/// it sits in ../shared next to the clone (in CI a sibling of the clone).
/// </summary>
public static class CardTestData
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    public static JsonDocument Load(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        if (!File.Exists(path)) Assert.Fail($"Card test data file {path} is missing.");
        return JsonDocument.Parse(File.ReadAllText(path));
    }

    public static IEnumerable<string> TraceFiles() =>
        System.IO.Directory.GetFiles(Directory, "emv-*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    private static string Locate()
    {
        var start = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "testdata", "cards"), Path.Combine(dir.FullName, "testdata", "cards") })
            {
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
        }
        throw new InvalidOperationException(
            $"No folder shared/testdata/cards above {start}. The card test data lives in ../shared relative to the repository root; check it out next to the clone.");
    }
}
