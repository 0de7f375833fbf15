using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.CompilerServices;
using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// The list store and the live snapshot kept in step: the API the list updater calls. Each update is checked,
/// indexed and written to the store before it is swapped in whole, so taps keep being decided on the old version until
/// the new one is complete, and bad input changes nothing (a snapshot streamed into the store is dropped there when
/// one of its entries fails).
/// </summary>
public sealed class StoredLists : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _writers = new();
    private LiteDbListStore _store;

    private StoredLists(LiteDbListStore store, LiveLists live, TimeProvider time, ListLoadTimes loadTimes)
    {
        _store = store;
        Live = live;
        _time = time;
        LoadTimes = loadTimes;
    }

    /// <summary>How long opening took, list by list: what a slow start is made of.</summary>
    public ListLoadTimes LoadTimes { get; }

    /// <summary>The snapshot taps are decided on.</summary>
    public LiveLists Live { get; }

    /// <summary>The database file.</summary>
    public string StorePath => _store.StorePath;

    /// <summary>How long opening may take before the file counts as damaged (a million-entry list loads in seconds).</summary>
    public static readonly TimeSpan DefaultLoadTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Opens the store at <paramref name="path"/> and loads its lists; throws <see cref="ListStoreCorruptException"/> when it cannot be read.</summary>
    public static StoredLists Open(string path, TimeProvider time) => Open(path, time, DefaultLoadTimeout);

    /// <summary>
    /// As <see cref="Open(string, TimeProvider)"/>; a load still running after <paramref name="loadTimeout"/> is damage
    /// too. LiteDB 5.0.21 can loop forever on a damaged index (found by fuzzing: a cyclic index chain spins inside its
    /// index scan). That thread cannot be stopped: it is left behind as a background thread, so after setting the file
    /// aside the caller should restart the process to get its CPU back.
    /// </summary>
    public static StoredLists Open(string path, TimeProvider time, TimeSpan loadTimeout)
    {
        ArgumentNullException.ThrowIfNull(path);
        StoredLists? opened = null;
        ExceptionDispatchInfo? failure = null;
        var loader = new Thread(() =>
        {
            try
            {
                opened = OpenNow(path, time);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = "list-store-open" };
        loader.Start();
        // Joined in steps against a monotonic stopwatch: a timed wait that returns early (a wall clock set while
        // waiting, a preloaded time library) must not pass a healthy but slow load off as damage.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var step = TimeSpan.FromMilliseconds(Math.Clamp(loadTimeout.TotalMilliseconds / 10, 1, 1000));
        while (!loader.Join(step) && waited.Elapsed < loadTimeout)
        {
        }
        if (loader.IsAlive)
        {
            throw new ListStoreCorruptException(path, string.Create(CultureInfo.InvariantCulture,
                $"loading did not finish within {loadTimeout.TotalSeconds:0.#} s (LiteDB loops forever on some damaged indexes; restart the service after setting the file aside)"));
        }
        failure?.Throw();
        return opened!;
    }

    private static StoredLists OpenNow(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        // LiteDB keeps every page a load read in its cache, and the in-memory indexes already hold what taps need:
        // each list is loaded on a fresh connection that is closed afterwards, so the caches never add up. Entitlements
        // first: their load makes the most garbage, and the deny list's 20 MB is not yet held while it does.
        var entitlements = Load(path, store => (store.LoadEntitlements(), store.EntitlementStamp), out var entitlementTime);
        var deny = Load(path, store => (store.LoadDenyList(), store.DenyStamp), out var denyTime);
        var policy = Load(path, store => (store.LoadPolicy(), store.PolicyStamp), out var policyTime);
        var snapshot = new ListSnapshot(deny.Item1, deny.Item2, entitlements.Item1, entitlements.Item2, policy.Item1, policy.Item2);
        var opening = Stopwatch.GetTimestamp();
        var store = LiteDbListStore.Open(path);
        return new StoredLists(store, new LiveLists(snapshot), time,
            new ListLoadTimes(entitlementTime, denyTime, policyTime, Stopwatch.GetElapsedTime(opening)));
    }

    /// <summary>
    /// Replaces the deny list with a full snapshot, written as a new generation and swapped in
    /// (<see cref="ApplyDenySnapshot(long, IEnumerable{DenyEntry}, int)"/>); a sequence that does not know its count is
    /// counted in memory first. Throws <see cref="ArgumentException"/> on a malformed entry, with nothing changed.
    /// </summary>
    public ListUpdateResult ApplyDenySnapshot(long version, IEnumerable<DenyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.TryGetNonEnumeratedCount(out var count)) return ApplyDenySnapshot(version, entries, count);
        var all = entries.ToList();
        return ApplyDenySnapshot(version, all, all.Count);
    }

    /// <summary>
    /// As <see cref="ApplyDenySnapshot(long, IEnumerable{DenyEntry})"/> for a stream of exactly <paramref name="count"/>
    /// entries (a downloaded snapshot states its size), streamed into the store while its index is built beside it at
    /// 20 bytes a row (<see cref="LiteDbListStore.WriteDenySnapshot(long, IEnumerable{DenyRow}, int, DateTimeOffset)"/>):
    /// next to the list in service this update holds one new list, not one with its added-at times. A malformed entry
    /// or a stream holding another number is refused with <see cref="ArgumentException"/>, nothing changed.
    /// </summary>
    public ListUpdateResult ApplyDenySnapshot(long version, IEnumerable<DenyEntry> entries, int count)
    {
        ArgumentNullException.ThrowIfNull(entries);
        try
        {
            return SwapStreamedDenySnapshot(version, entries, count);
        }
        finally
        {
            // Refused half-way (a malformed entry deep in a signed package) leaves as much garbage as a success.
            ReturnUpdateMemory();
        }
    }

    // Not inlined: the old list must not sit in a local of a frame still running when the collection starts.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ListUpdateResult SwapStreamedDenySnapshot(long version, IEnumerable<DenyEntry> entries, int count)
    {
        lock (_writers)
        {
            var stamp = new ListStamp(version, _time.GetUtcNow());
            try
            {
                var index = _store.WriteDenySnapshot(version, entries.Select(DenyRow.From), count, stamp.UpdatedAt);
                Live.Update(s => s.With(index, stamp));
                return new ListUpdateResult(ListUpdateStatus.Applied, version);
            }
            finally
            {
                ReleaseCache(); // the pages written, and those of a generation dropped half-way, leave with the cache
            }
        }
    }

    /// <summary>The deny list as stored, every field included (the in-memory index leaves the added-at times in the file).</summary>
    public IReadOnlyList<DenyEntry> ReadDenyEntries()
    {
        lock (_writers) return _store.ReadDenyEntries();
    }

    /// <summary>Applies a deny list delta; refused unless the deny list is at the delta's from-version.</summary>
    public ListUpdateResult ApplyDenyDelta(DenyListDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var result = SwapDenyDelta(delta);
        if (result.Status == ListUpdateStatus.Applied) ReturnUpdateMemory();
        return result;
    }

    // Not inlined: the old list must not sit in a local of a frame still running when the collection starts.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ListUpdateResult SwapDenyDelta(DenyListDelta delta)
    {
        lock (_writers)
        {
            var current = Live.Current;
            if (current.DenyStamp.Version != delta.FromVersion) return new ListUpdateResult(ListUpdateStatus.VersionMismatch, current.DenyStamp.Version);
            // Packed (and so checked) before anything is written: a malformed entry changes nothing.
            var added = delta.Added.Select(DenyRow.From).ToArray();
            var removed = delta.Removed.Select(DenyRow.From).ToArray();
            var stamp = new ListStamp(delta.ToVersion, _time.GetUtcNow());
            var result = _store.ApplyDenyDelta(delta, stamp.UpdatedAt);
            if (result.Status != ListUpdateStatus.Applied) return result;
            DenyList index;
            if (_store.DenyCompactionDue)
            {
                // Rewritten as a new base so start-up never replays a long chain. The index comes from that rewrite
                // rather than from a merge beside it: one new list in memory next to the one in service, not two.
                index = _store.CompactDenyList(stamp.UpdatedAt);
                ReleaseCache();
            }
            else index = current.DenyList.Apply(added, removed);
            Live.Update(s => s.With(index, stamp));
            return result;
        }
    }

    /// <summary>
    /// Replaces the entitlements with a full snapshot, checked and indexed in memory, then written as a new generation
    /// and swapped in. Throws <see cref="ArgumentException"/> on an unusable entitlement, with nothing changed.
    /// </summary>
    public ListUpdateResult ApplyEntitlementSnapshot(long version, IEnumerable<Entitlement> entitlements)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        lock (_writers)
        {
            var index = EntitlementIndex.Build(entitlements);
            var stamp = new ListStamp(version, _time.GetUtcNow());
            _store.WriteEntitlementSnapshot(version, index, stamp.UpdatedAt);
            Live.Update(s => s.With(index, stamp));
            ReleaseCache();
        }
        ReturnUpdateMemory();
        return new ListUpdateResult(ListUpdateStatus.Applied, version);
    }

    /// <summary>Applies an entitlement delta; refused unless the entitlements are at the delta's from-version.</summary>
    public ListUpdateResult ApplyEntitlementDelta(EntitlementDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        lock (_writers)
        {
            var current = Live.Current;
            if (current.EntitlementStamp.Version != delta.FromVersion)
            {
                return new ListUpdateResult(ListUpdateStatus.VersionMismatch, current.EntitlementStamp.Version);
            }
            var index = current.Entitlements.Apply(delta.Added, delta.Removed);
            var stamp = new ListStamp(delta.ToVersion, _time.GetUtcNow());
            if (_store.EntitlementsNeedRepacking)
            {
                // A file from before the packed form: rewritten once, at the version in force, so the delta can go on top.
                _store.WriteEntitlementSnapshot(current.EntitlementStamp.Version, current.Entitlements, current.EntitlementStamp.UpdatedAt);
                ReleaseCache();
            }
            var result = _store.ApplyEntitlementDelta(delta, index.Count, stamp.UpdatedAt);
            if (result.Status != ListUpdateStatus.Applied) return result;
            Live.Update(s => s.With(index, stamp));
            if (_store.EntitlementCompactionDue)
            {
                // Rewritten as a new base so start-up never replays a long chain. Served first: if this write fails (a
                // full disk) the failure goes to the caller like any other, the delta stays stored and served, and the
                // next delta tries again.
                try
                {
                    _store.WriteEntitlementSnapshot(delta.ToVersion, index, stamp.UpdatedAt);
                }
                finally
                {
                    ReleaseCache();
                }
            }
            return result;
        }
    }

    /// <summary>Replaces the fare policy; throws <see cref="ArgumentException"/> (nothing changed) when it names an unknown time zone.</summary>
    public ListUpdateResult ApplyPolicy(long version, FarePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_writers)
        {
            var stamp = new ListStamp(version, _time.GetUtcNow());
            _ = Live.Current.With(policy, stamp); // resolves the time zone: an unknown one throws before anything is written
            _store.WritePolicy(version, policy, stamp.UpdatedAt);
            Live.Update(s => s.With(policy, stamp));
            return new ListUpdateResult(ListUpdateStatus.Applied, version);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_writers) _store.Dispose();
    }

    private static T Load<T>(string path, Func<LiteDbListStore, T> load, out ListLoadTime took)
    {
        var start = Stopwatch.GetTimestamp();
        T loaded;
        using (var store = LiteDbListStore.Open(path))
        {
            loaded = load(store);
        }
        var read = Stopwatch.GetElapsedTime(start);
        ReturnStartupMemory();
        took = new ListLoadTime(read, Stopwatch.GetElapsedTime(start) - read);
        return loaded;
    }

    /// <summary>A full write leaves every written page in LiteDB's cache; reopening the file lets it go.</summary>
    private void ReleaseCache()
    {
        var path = _store.StorePath;
        _store.Dispose();
        _store = LiteDbListStore.Open(path);
    }

    /// <summary>
    /// After the loads at start the garbage is tens of megabytes, once. An aggressive collection hands the freed
    /// memory back to the OS (measured: 240 MB committed fell to 56 MB at a million entries); without it the runtime
    /// keeps it committed and the process looks 100+ MB bigger than it is on a 512 MB Pi. It blocks, which is fine
    /// here: no tap is decided before the lists are open.
    /// </summary>
    private static void ReturnStartupMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>
    /// After an update is swapped in, the replaced deny list (20 MB at a million entries, outside the GC heap) goes back
    /// to the kernel when its finalizer runs, and LiteDB's write cache and the update's own objects are garbage: both
    /// wait for a full collection. Without one the old list could still be held when the next full snapshot is built
    /// beside the current one: three lists at once. It blocks and compacts, though taps are being decided: with the
    /// lists packed the heap it walks is ~11 MB, mostly in a few arrays: 2.5-3.0 ms after a full snapshot and 4.0-5.9 ms
    /// after a delta in the lists bench (2026-12-04; the store's page cache, still open after a delta, is the likely
    /// difference, not traced).
    /// A background collection here (what this was before) sweeps without compacting, and the holes it left made the
    /// runtime compact gen 2 on its own a minute later, blocking, at a moment nobody chose (compact_high_frag, 5.4-8.7
    /// ms in the tap storms of 2026-12-03; docs/performance.md, "GC during a tap storm").
    /// </summary>
    private static void ReturnUpdateMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
}
