using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Storage.Lists;

namespace Validator.Fuzz.Targets;

/// <summary>
/// A real LiteDB list store (deny list with deltas, entitlements, policy) copied while open, so its -log file holds
/// pages not yet checkpointed, and damaged in the data file, the log file or both. Oracle: opening either works and the
/// lists read back whole (every list one of the versions written, counts matching the headers), or it raises
/// <see cref="ListStoreCorruptException"/>; never another exception or a hang.
/// </summary>
internal sealed class ListStoreTarget : FuzzTarget
{
    private readonly Outcomes _outcomes = new();
    private string _scratch = "";
    private string _seedDirectory = "";
    private readonly List<byte[]> _corpus = [];
    private readonly HashSet<(long Version, int Count)> _denyVersions = [];
    private readonly HashSet<(long Version, int Count)> _entitlementVersions = [];
    private int _copy;

    public override string Name => "liststore";

    /// <summary>The seed store loads in milliseconds: a load running 5 s is stuck.</summary>
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(5);

    public override TimeSpan InputTimeLimit => TimeSpan.FromSeconds(30);

    public override void Setup()
    {
        _scratch = Directory.CreateTempSubdirectory("fuzz-liststore-").FullName;
        var shm = Path.Combine(FileDamage.ScratchRoot(), Path.GetFileName(_scratch));
        Directory.CreateDirectory(shm);
        Directory.Delete(_scratch);
        _scratch = shm;
        _seedDirectory = Path.Combine(_scratch, "seed");
        Directory.CreateDirectory(_seedDirectory);
        var path = Path.Combine(_seedDirectory, "lists.db");
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        DenyEntry Deny(int i) => new() { Token = new CardToken(0xACE0_0000_0000_0000UL + (ulong)i, 0xABCD_0000_0000_0000UL + (ulong)i), Reason = DenyReason.Lost, AddedAt = at, Expiry = "2812" };
        Entitlement Pass(int i) => new() { Id = "pass-" + i, Token = Deny(i).Token, Product = "student-pass", ValidFrom = new DateOnly(2026, 9, 1), ValidTo = new DateOnly(2027, 7, 31) };

        // Written and closed: everything checkpointed into the data file.
        using (var lists = StoredLists.Open(path, TimeProvider.System))
        {
            lists.ApplyDenySnapshot(1, Enumerable.Range(0, 3000).Select(Deny));
            lists.ApplyEntitlementSnapshot(1, Enumerable.Range(0, 500).Select(Pass));
            lists.ApplyPolicy(1, new FarePolicy { Products = [new Product("student-pass", "Schülerticket")] });
        }
        _denyVersions.Add((0, 0));
        _denyVersions.Add((1, 3000));
        _entitlementVersions.Add((0, 0));
        _entitlementVersions.Add((1, 500));
        // Opened again and changed by deltas; copied while open, as a power cut would leave it: the -log file holds the deltas.
        var live = StoredLists.Open(path, TimeProvider.System);
        var deny = 3000;
        for (var v = 2; v <= 4; v++)
        {
            live.ApplyDenyDelta(new DenyListDelta { FromVersion = v - 1, ToVersion = v, Added = [Deny(10_000 + v)], Removed = [Deny(v).Key] });
            _denyVersions.Add((v, deny));
        }
        live.ApplyEntitlementDelta(new EntitlementDelta { FromVersion = 1, ToVersion = 2, Added = [Pass(9000)], Removed = ["pass-1"] });
        _entitlementVersions.Add((2, 500));
        var snapshot = Path.Combine(_scratch, "seed-open");
        Directory.CreateDirectory(snapshot);
        foreach (var file in Directory.GetFiles(_seedDirectory)) File.Copy(file, Path.Combine(snapshot, Path.GetFileName(file)));
        live.Dispose();
        Directory.Delete(_seedDirectory, recursive: true);
        _seedDirectory = snapshot;
        if (!File.Exists(ListStoreFile.LogPath(Path.Combine(_seedDirectory, "lists.db")))) _outcomes.Add("seed-without-log");
        foreach (var file in Directory.GetFiles(_seedDirectory)) _corpus.Add(File.ReadAllBytes(file).AsSpan(0, Math.Min(8192, (int)new FileInfo(file).Length)).ToArray());
    }

    public override void Run(Random random, FuzzInput input)
    {
        var directory = Path.Combine(_scratch, "run-" + _copy++);
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var file in Directory.GetFiles(_seedDirectory)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            var path = Path.Combine(directory, "lists.db");
            var log = Path.Combine(directory, Path.GetFileName(ListStoreFile.LogPath(path)));
            var which = random.Next(3);
            if (which != 1) FileDamage.Damage(path, random, input, _corpus);
            if (which != 0 && File.Exists(log)) FileDamage.Damage(log, random, input, _corpus);
            if (File.Exists(path) && new FileInfo(path).Length < 65536) input.Bytes = File.ReadAllBytes(path);

            StoredLists lists;
            try
            {
                lists = StoredLists.Open(path, TimeProvider.System, LoadTimeout);
            }
            catch (ListStoreCorruptException e)
            {
                _outcomes.Add(e.Message.Contains("did not finish", StringComparison.Ordinal) ? "corrupt-load-timeout" : "corrupt-reported");
                return;
            }
            using (lists)
            {
                var current = lists.Live.Current;
                var deny = (current.DenyStamp.Version, current.DenyList.Count);
                var entitlements = (current.EntitlementStamp.Version, current.Entitlements.Count);
                // LiteDB keeps no page checksums: a flipped bit inside a value can read back as another value. What
                // must hold is the shape: every list one of the versions written, with that version's size.
                if (!_denyVersions.Contains(deny) || !_entitlementVersions.Contains(entitlements))
                {
                    _outcomes.Add("opened-with-unknown-version");
                    throw new OracleFailure($"the store opened with deny {deny} and entitlements {entitlements}, none of the versions written");
                }
                try
                {
                    _ = lists.ReadDenyEntries();
                }
                catch (ListStoreCorruptException)
                {
                    _outcomes.Add("opened-then-corrupt-on-read");
                    return;
                }
                _outcomes.Add(deny.Version == 4 && entitlements.Version == 2 ? "opened-latest" : "opened-older");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public override string Stats() => _outcomes.ToString();

    protected override void Cleanup()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A scratch directory left behind is harmless.
        }
    }
}
