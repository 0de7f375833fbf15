using System.Diagnostics;
using System.Globalization;
using Validator.Storage.Lists;

namespace Validator.Fares.Bench;

/// <summary>Writes the bench's list database once per size and seed, through the same API the list updater uses.</summary>
internal static class Prepare
{
    /// <summary>Raised whenever the store's layout changes (2: entitlements in packed chunks), so a kept file is never measured in an old layout.</summary>
    private const int Layout = 2;

    public static string PathFor(int deny, int entitlements, string dir) =>
        Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"lists-{deny}-{entitlements}-{BenchData.Seed}-layout{Layout}.db"));

    public static void Run(int deny, int entitlements, string dir)
    {
        Directory.CreateDirectory(dir);
        var path = PathFor(deny, entitlements, dir);
        if (File.Exists(path)) return;
        var random = new Random(BenchData.Seed);
        var write = Stopwatch.StartNew();
        var temp = path + ".tmp";
        using (var lists = StoredLists.Open(temp, new FixedTime(BenchData.ListsUpdated)))
        {
            lists.ApplyDenySnapshot(1, BenchData.DenyEntries(deny, random), deny);
            lists.ApplyEntitlementSnapshot(1, BenchData.Entitlements(entitlements, random));
            lists.ApplyPolicy(1, BenchData.Policy());
        }
        File.Move(temp, path);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prepared {deny:N0} deny entries + {entitlements:N0} entitlements as full snapshots in {write.Elapsed.TotalSeconds:F1} s ({new FileInfo(path).Length / 1048576.0:F1} MB)"));
    }
}

/// <summary>A clock standing still at one instant, or moved by the bench.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
