using Validator.Core.Lists;

namespace Validator.Storage.Lists;

/// <summary>
/// The list store and the live snapshot kept in step: the API the list updater calls. Each update is checked and
/// indexed in memory first (bad input changes nothing), then written to the store, then swapped in whole, so taps
/// keep being decided on the old version until the new one is complete.
/// </summary>
public sealed class StoredLists : IDisposable
{
    private readonly LiteDbListStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _writers = new();

    private StoredLists(LiteDbListStore store, LiveLists live, TimeProvider time)
    {
        _store = store;
        Live = live;
        _time = time;
    }

    /// <summary>The snapshot taps are decided on.</summary>
    public LiveLists Live { get; }

    /// <summary>The database file.</summary>
    public string StorePath => _store.StorePath;

    /// <summary>Opens the store at <paramref name="path"/> and loads its lists; throws <see cref="ListStoreCorruptException"/> when it cannot be read.</summary>
    public static StoredLists Open(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var store = LiteDbListStore.Open(path);
        try
        {
            return new StoredLists(store, new LiveLists(store.LoadSnapshot()), time);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Replaces the deny list with a full snapshot; throws <see cref="ArgumentException"/> (nothing changed) on a malformed entry.</summary>
    public ListUpdateResult ApplyDenySnapshot(long version, IReadOnlyCollection<DenyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_writers)
        {
            var index = DenyList.Build(entries);
            var stamp = new ListStamp(version, _time.GetUtcNow());
            _store.WriteDenySnapshot(version, entries, stamp.UpdatedAt);
            Live.Update(s => s.With(index, stamp));
            return new ListUpdateResult(ListUpdateStatus.Applied, version);
        }
    }

    /// <summary>Applies a deny list delta; refused unless the deny list is at the delta's from-version.</summary>
    public ListUpdateResult ApplyDenyDelta(DenyListDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        lock (_writers)
        {
            var current = Live.Current;
            if (current.DenyStamp.Version != delta.FromVersion) return new ListUpdateResult(ListUpdateStatus.VersionMismatch, current.DenyStamp.Version);
            var index = current.DenyList.Apply(delta.Added, delta.Removed);
            var stamp = new ListStamp(delta.ToVersion, _time.GetUtcNow());
            var result = _store.ApplyDenyDelta(delta, stamp.UpdatedAt);
            if (result.Status == ListUpdateStatus.Applied) Live.Update(s => s.With(index, stamp));
            return result;
        }
    }

    /// <summary>Replaces the entitlements with a full snapshot; throws <see cref="ArgumentException"/> (nothing changed) on an unusable entitlement.</summary>
    public ListUpdateResult ApplyEntitlementSnapshot(long version, IReadOnlyCollection<Entitlement> entitlements)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        lock (_writers)
        {
            var index = EntitlementIndex.Build(entitlements);
            var stamp = new ListStamp(version, _time.GetUtcNow());
            _store.WriteEntitlementSnapshot(version, entitlements, stamp.UpdatedAt);
            Live.Update(s => s.With(index, stamp));
            return new ListUpdateResult(ListUpdateStatus.Applied, version);
        }
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
            var result = _store.ApplyEntitlementDelta(delta, stamp.UpdatedAt);
            if (result.Status == ListUpdateStatus.Applied) Live.Update(s => s.With(index, stamp));
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
    public void Dispose() => _store.Dispose();
}
