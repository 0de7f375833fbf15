using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Validator.Core.Clock;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Storage.Lists;
using Validator.Sync.Upstream;

namespace Validator.Sync.Lists;

/// <summary>
/// Brings the local lists up to the back office's versions: asks for a delta since the version in service (the server
/// answers with a snapshot when the device is too far behind), downloads it into a file under the sync state
/// directory while hashing it, verifies the signature with the configured key, refuses rollbacks, expired packages,
/// wrong entry counts and mass changes, then applies through the list store, which swaps the new version in whole.
/// Anything refused or failed leaves the old lists in service; the file is deleted either way.
/// </summary>
public sealed class ListUpdater : IDisposable
{
    private static readonly ListKind[] Order = [ListKind.Policy, ListKind.Entitlements, ListKind.Deny];
    private readonly StoredLists _lists;
    private readonly UpstreamClient _client;
    private readonly SyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ECDsa _publicKey;
    private readonly SemaphoreSlim _oneUpdate = new(1, 1);
    private string? _lastProblem;

    /// <summary>An updater of <paramref name="lists"/> from <paramref name="client"/>'s back office.</summary>
    public ListUpdater(StoredLists lists, UpstreamClient client, SyncOptions options, TimeProvider? time = null, ILogger<ListUpdater>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _lists = lists;
        _client = client;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _publicKey = ECDsa.Create();
        _publicKey.ImportFromPem(options.ListSigningKeyPem);
    }

    /// <summary>Why the last update of some list was refused or failed; null once every list updated cleanly.</summary>
    public string? LastProblem => Volatile.Read(ref _lastProblem);

    /// <summary>
    /// The device's clock judge, when the daemon has one: expiry is then checked against the later of the clock and
    /// the last trusted time, so a Pi that booted with its clock in the past cannot be fed an expired old package.
    /// </summary>
    public ClockTrustMonitor? ClockTrust { get; set; }

    /// <summary>Raised after every update round with its reports.</summary>
    public event EventHandler<IReadOnlyList<ListUpdateReport>>? Updated;

    /// <summary>Wakes the polling loop early (a heartbeat answer showed newer versions).</summary>
    public Wakeup Nudges { get; } = new();

    /// <summary>Updates every list: policy, then entitlements, then the deny list (so the mass-change guard sees current entitlements).</summary>
    public async Task<IReadOnlyList<ListUpdateReport>> UpdateAsync(CancellationToken cancellationToken = default)
    {
        await _oneUpdate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reports = new List<ListUpdateReport>(Order.Length);
            foreach (var kind in Order) reports.Add(await UpdateLockedAsync(kind, cancellationToken).ConfigureAwait(false));
            var problems = reports.Where(r => r.Problem is not null).Select(r => $"{r.List.ToSegment()}: {r.Problem}").ToList();
            Volatile.Write(ref _lastProblem, problems.Count == 0 ? null : string.Join("; ", problems));
            Updated?.Invoke(this, reports);
            return reports;
        }
        finally
        {
            _oneUpdate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _publicKey.Dispose();
        _oneUpdate.Dispose();
    }

    private async Task<ListUpdateReport> UpdateLockedAsync(ListKind kind, CancellationToken cancellationToken)
    {
        // Only the version is kept across the download: a snapshot held in this method's state would keep the list it
        // replaces alive through the collection that runs after the swap (20 MB a million, measured).
        var held = Held(_lists.Live.Current, kind);
        Directory.CreateDirectory(_options.StateDirectory);
        var file = Path.Combine(_options.StateDirectory, "list-" + kind.ToSegment() + ".download");
        try
        {
            var fetched = await _client.DownloadListAsync(kind, held, file, cancellationToken).ConfigureAwait(false);
            if (fetched.Outcome == UpstreamOutcome.NoContent) return new ListUpdateReport(kind, ListUpdateOutcome.UpToDate, held, held);
            if (fetched.Outcome != UpstreamOutcome.Ok)
            {
                var problem = fetched.Problem ?? fetched.Outcome.ToString();
                SyncLog.ListFetchFailed(_logger, kind.ToSegment(), problem);
                return new ListUpdateReport(kind, ListUpdateOutcome.Failed, held, held, problem);
            }
            var download = fetched.Value!;
            if (!ListSigning.TryVerifyHash(download.Sha256, download.Signature, download.KeyId, _publicKey, out var signatureProblem))
            {
                return Refuse(kind, held, signatureProblem!);
            }
            return Apply(kind, held, file);
        }
        finally
        {
            Delete(file);
        }
    }

    /// <summary>
    /// Applies the verified package in <paramref name="file"/>: scanned first (header, entry counts and, for a deny
    /// snapshot, the mass-change guard) and checked, so nothing is applied from a package that fails a check. A deny
    /// snapshot then streams from the file into the store; the other packages are small and read whole.
    /// </summary>
    private ListUpdateReport Apply(ListKind kind, long held, string file)
    {
        ListUpdateResult result;
        ListPackage header;
        try
        {
            var (scan, package, problem) = Check(kind, held, file);
            header = scan.Header;
            if (problem is not null) return Refuse(kind, held, problem);
            // A deny snapshot streams from the file into the store; the other packages are small and were read whole.
            result = package is null
                ? _lists.ApplyDenySnapshot(header.Version, PackageFile.DenyEntries(file), scan.DenyEntries!.Value)
                : Apply(package);
        }
        catch (JsonException e)
        {
            return Refuse(kind, held, "the signed package is not a valid list package: " + e.Message);
        }
        catch (ArgumentException e)
        {
            return Refuse(kind, held, "malformed content: " + e.Message);
        }
        if (result.Status != ListUpdateStatus.Applied)
        {
            // Another writer moved the list meanwhile; the next poll asks again from the new version.
            return new ListUpdateReport(kind, ListUpdateOutcome.Failed, held, result.Version, "the list changed during the update");
        }
        SyncLog.ListApplied(_logger, kind.ToSegment(), header.Version, header.Format.ToString(), header.EntryCount);
        return new ListUpdateReport(kind, ListUpdateOutcome.Applied, held, header.Version);
    }

    /// <summary>
    /// Every check on the package against the lists in service: the problem, or null when it may be applied, with the
    /// package read whole unless it is a deny snapshot (streamed when applied). A frame of its own, not
    /// inlined: the snapshot in service it reads is no longer referenced by any running frame when the update's
    /// collection starts, so the replaced list can go with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private (PackageScan Scan, ListPackage? Package, string? Problem) Check(ListKind kind, long held, string file)
    {
        var current = _lists.Live.Current;
        var newlyDenied = kind == ListKind.Deny ? new NewlyDeniedCounter(current) : null;
        var scan = PackageFile.Scan(file, newlyDenied is null ? null : newlyDenied.Add);
        if (PackageChecks.Problem(scan, kind, held, ExpiryNow()) is { } problem) return (scan, null, problem);
        if (kind == ListKind.Deny && scan.Header.Format == ListPackageFormat.Snapshot)
        {
            return (scan, null, MassChangeGuard.Judge(current, newlyDenied!.Affected, _options.MassChangeMaxShare, _options.MassChangeFloor));
        }
        var package = PackageFile.Read(file);
        return (scan, package, PackageChecks.ContentProblem(package, scan.Header) ?? MassChangeGuard.Problem(current, package, _options.MassChangeMaxShare, _options.MassChangeFloor));
    }

    private static void Delete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Replaced by the next download of this list.
        }
    }

    private DateTimeOffset ExpiryNow()
    {
        var now = _time.GetUtcNow();
        return ClockTrust?.Read().LastTrusted is { } last && last > now ? last : now;
    }

    private ListUpdateReport Refuse(ListKind kind, long held, string problem)
    {
        SyncLog.ListRefused(_logger, kind.ToSegment(), problem);
        return new ListUpdateReport(kind, ListUpdateOutcome.Refused, held, held, problem);
    }

    private ListUpdateResult Apply(ListPackage package) => (package.List, package.Format) switch
    {
        (ListKind.Deny, ListPackageFormat.Snapshot) => _lists.ApplyDenySnapshot(package.Version, package.DenyEntries!),
        (ListKind.Deny, _) => _lists.ApplyDenyDelta(new DenyListDelta
        {
            FromVersion = package.FromVersion,
            ToVersion = package.Version,
            Added = package.DenyAdded!,
            Removed = package.DenyRemoved!,
        }),
        (ListKind.Entitlements, ListPackageFormat.Snapshot) => _lists.ApplyEntitlementSnapshot(package.Version, package.Entitlements!),
        (ListKind.Entitlements, _) => _lists.ApplyEntitlementDelta(new EntitlementDelta
        {
            FromVersion = package.FromVersion,
            ToVersion = package.Version,
            Added = package.EntitlementsAdded!,
            Removed = package.EntitlementsRemoved!,
        }),
        _ => _lists.ApplyPolicy(package.Version, package.Policy!),
    };

    private static long Held(ListSnapshot snapshot, ListKind kind) => kind switch
    {
        ListKind.Deny => snapshot.DenyStamp.Version,
        ListKind.Entitlements => snapshot.EntitlementStamp.Version,
        _ => snapshot.PolicyStamp.Version,
    };
}
