using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Validator.Backoffice;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Simulation.Clock;
using Validator.Storage.Lists;
using Validator.Sync;
using Validator.Sync.Lists;
using Validator.Sync.Upstream;

namespace Validator.Fares.Bench;

/// <summary>
/// List download bench: the reference back office in a process of its own on loopback, holding a million-entry deny
/// list, and a device (this bench in another process) with a million-entry list and 100,000 entitlements in service
/// that updates through <see cref="ListUpdater"/>: a full snapshot (download, signature, checks, store, swap), then a
/// 10,000-change delta, with taps decided meanwhile and RSS sampled.
///   dotnet run -c Release --project tests/Validator.Fares.Bench -- lists [dir] [--sizes 1000000] [--markdown path]
/// </summary>
internal static class ListsBench
{
    private const string AdminToken = "bench-admin-token";
    private const string DeviceId = "bench-0001";
    private const string DeviceSecret = "bench-secret-0001";
    private const int EntitlementCount = 100_000;
    private const int DeltaHalf = 5_000;
    private const int AdminBatch = 100_000;
    private const double BudgetMb = 150;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new CardTokenJsonConverter() },
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static int Run(Options options)
    {
        var dir = options.Dir ?? Path.Combine(Path.GetTempPath(), "lists-bench");
        var deny = options.Sizes?[0] ?? 1_000_000;
        Directory.CreateDirectory(dir);
        Console.WriteLine($"List download bench: {deny:N0} deny entries, {EntitlementCount:N0} entitlements, data in {dir}");
        if (Program.Child("prepare", deny, EntitlementCount, dir) != 0) return 1;
        var prepared = PrepareBackoffice(dir, deny);
        var work = Path.Combine(dir, "backoffice-work.db");
        File.Copy(prepared, work, overwrite: true);
        var result = Path.Combine(dir, "lists-result.json");
        File.Delete(result);
        DaemonUpdate? daemon = null;
        var builds = new List<double>();
        using (var backoffice = Backoffice.Start(work, KeyPath(dir)))
        {
            // The back office builds a version's full snapshot once and keeps it for the fleet; the first device to ask
            // waits for that build. Here it is asked for once before each measured update and timed apart, so the
            // update's time is the device's own: download, verify, apply.
            builds.Add(BuildSnapshot(backoffice.Url));
            if (Program.Child("lists-device", deny, dir, backoffice.Url, result) != 0) return 1;
            var validator = DaemonProcess.PublishedPath(options);
            if (File.Exists(validator))
            {
                builds.Add(BuildSnapshot(backoffice.Url)); // the delta published during the device's run made two new versions
                daemon = MeasureDaemon(validator, dir, deny, backoffice.Url);
            }
            else Console.Error.WriteLine($"{validator} is missing: the daemon's own update is left out (run `dotnet pwsh build.ps1 publish` first)");
        }
        var measured = JsonSerializer.Deserialize<ListsResult>(File.ReadAllText(result))!;
        Report(measured, daemon, builds).WriteTo(options.Markdown);
        return 0;
    }

    /// <summary>
    /// The product itself: `validator run` (ReadyToRun publish, no pcscd) starts on the same million-entry store, behind
    /// the back office, and fetches the full snapshot on its own at start, as a device back from a long time offline
    /// does. Its RSS is sampled from /proc every 2 ms from READY (start-up's loading is over by then) until 1 s after
    /// the swap, with the kernel's high-water mark (reset at READY) catching a peak between two samples.
    /// </summary>
    private static DaemonUpdate MeasureDaemon(string validator, string dir, int deny, Uri url)
    {
        string publicKey;
        using (var admin = Admin(url)) publicKey = admin.GetStringAsync(new Uri("/v1/admin/signing-key", UriKind.Relative)).GetAwaiter().GetResult();
        var config = new Dictionary<string, Dictionary<string, string>>
        {
            ["Device"] = new() { ["Id"] = DeviceId, ["Line"] = "110" },
            ["Cards"] = new() { ["TokenKey"] = Convert.ToBase64String(new byte[32]) },
            ["Sync"] = new() { ["UpstreamUrl"] = url.ToString(), ["DeviceSecret"] = DeviceSecret, ["ListSigningKeyPem"] = publicKey },
        };
        // The PC/SC client is pointed at a socket nobody listens on: the machine's pcscd is left to whoever uses it.
        var nowhere = new Dictionary<string, string> { ["PCSCLITE_CSOCK_NAME"] = Path.Combine(dir, "no-pcscd.comm") };
        using var daemon = DaemonProcess.Start(validator, Path.Combine(dir, "daemon"), config, Prepare.PathFor(deny, EntitlementCount, dir), nowhere);
        var readyMs = daemon.WaitForReady();
        daemon.ResetPeak();
        var atReady = daemon.Memory();
        var peak = atReady;
        void Sample()
        {
            var now = daemon.Memory();
            if (now.Rss > peak.Rss) peak = now;
        }
        var (line, appliedMs) = daemon.WaitForLine("List deny updated to version", TimeSpan.FromMinutes(3), Sample);
        if (!line.Contains("Snapshot", StringComparison.Ordinal)) throw new InvalidOperationException("the daemon did not fetch a full snapshot: " + line);
        var after = Stopwatch.StartNew();
        while (after.Elapsed < TimeSpan.FromSeconds(1))
        {
            Sample();
            Thread.Sleep(2);
        }
        var measured = new DaemonUpdate(appliedMs - readyMs, atReady, peak, Math.Max(peak.Rss, daemon.StatusMb("VmHWM:")), daemon.Memory());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"daemon: READY after {readyMs:F0} ms, {atReady}; snapshot swapped in {measured.ReadyToAppliedMs / 1000:F1} s after READY; sampled peak {peak}, kernel's peak {measured.PeakMb:F0} MB; 1 s after {measured.After}"));
        return measured;
    }

    /// <summary>The back office's database with the policy, 100,000 entitlements and the deny list, made once through the admin API.</summary>
    private static string PrepareBackoffice(string dir, int deny)
    {
        var path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"backoffice-{deny}-{EntitlementCount}-{BenchData.Seed}.db"));
        if (File.Exists(path)) return path;
        var temp = path + ".tmp";
        File.Delete(temp);
        var timer = Stopwatch.StartNew();
        using (var backoffice = Backoffice.Start(temp, KeyPath(dir)))
        using (var admin = Admin(backoffice.Url))
        {
            // The same policy and entitlements the device store holds, each at version 1: the device is current on both.
            Send(admin, HttpMethod.Put, "/v1/admin/policy", BenchData.Policy());
            var random = new Random(BenchData.Seed);
            _ = BenchData.DenyEntries(deny, random).Count();
            Send(admin, HttpMethod.Put, "/v1/admin/entitlements", BenchData.Entitlements(EntitlementCount, random).ToArray());
            // Another deny list than the device's (another seed): the download replaces every entry.
            foreach (var batch in BackofficeDeny(deny).Chunk(AdminBatch)) Send(admin, HttpMethod.Post, "/v1/admin/deny", batch);
        }
        File.Move(temp, path);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prepared the back office with {deny:N0} deny entries in {timer.Elapsed.TotalSeconds:F0} s"));
        return path;
    }

    private static IEnumerable<DenyEntry> BackofficeDeny(int count) => BenchData.DenyEntries(count, new Random(BenchData.Seed + 10));

    private static string KeyPath(string dir) => Path.Combine(dir, "backoffice-signing-key.pem");

    /// <summary>The device side, in a process of its own so its RSS is the device's: idle taps, full snapshot, delta.</summary>
    public static int Device(int deny, string dir, string url, string resultPath)
    {
        var store = Path.Combine(dir, "device-work.db");
        File.Copy(Prepare.PathFor(deny, EntitlementCount, dir), store, overwrite: true);
        var random = new Random(BenchData.Seed);
        var denied = BenchData.DenyEntries(deny, random).Where((_, i) => i % Math.Max(1, deny / 2000) == 0).ToArray();
        var holders = BenchData.Entitlements(EntitlementCount, random).Where((_, i) => i % 50 == 0).ToArray();
        string publicKey; // as `validator provision` gets it
        using (var admin = Admin(new Uri(url))) publicKey = admin.GetStringAsync(new Uri("/v1/admin/signing-key", UriKind.Relative)).GetAwaiter().GetResult();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        using var rss = new RssSampler();
        var time = new FixedTime(new DateTimeOffset(2026, 10, 5, 5, 0, 0, TimeSpan.Zero));
        using var lists = StoredLists.Open(store, time);
        var service = new FareService(lists.Live, new ClockTrustMonitor(time, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());
        var lines = BenchData.Lines.Select(l => new TapLocation(l, "Bernburg ZOB")).ToArray();
        var tapRandom = new Random(BenchData.Seed + 1);
        for (var i = 0; i < 20_000; i++) service.Decide(Taps.Next(tapRandom, denied, holders), lines[i % lines.Length]); // warm-up: JIT tiers
        var taps = new TapLoop(service, time, lines, tapRandom, denied, holders);
        var sync = new SyncOptions
        {
            UpstreamUrl = url,
            DeviceId = DeviceId,
            DeviceSecret = DeviceSecret,
            ListSigningKeyPem = publicKey,
            StateDirectory = Path.Combine(dir, "device-sync"),
        };
        using var client = new UpstreamClient(sync);
        using var updater = new ListUpdater(lists, client, sync);
        var rssInService = rss.Rss;
        var gcInService = GC.GetGCMemoryInfo();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in service: GC heap {gcInService.HeapSizeBytes / 1048576.0:F0} MB, committed {gcInService.TotalCommittedBytes / 1048576.0:F0} MB"));
        var idle = taps.During(() => Thread.Sleep(2000));

        // A full snapshot: the device's version is far behind the back office's.
        rss.Reset();
        var before = lists.Live.Current.DenyStamp.Version;
        IReadOnlyList<ListUpdateReport> fullReports = [];
        var fullMs = 0.0;
        var duringFull = taps.During(() =>
        {
            var timer = Stopwatch.StartNew();
            fullReports = updater.UpdateAsync().GetAwaiter().GetResult();
            fullMs = timer.Elapsed.TotalMilliseconds;
            Thread.Sleep(1000); // the background collection after the swap runs on; keep sampling
        });
        var peakFull = rss.Peak;
        var afterFull = rss.Rss;
        var gcAfterFull = GC.GetGCMemoryInfo();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"after the full snapshot: GC heap {gcAfterFull.HeapSizeBytes / 1048576.0:F0} MB, committed {gcAfterFull.TotalCommittedBytes / 1048576.0:F0} MB, fragmented {gcAfterFull.FragmentedBytes / 1048576.0:F0} MB, live {GC.GetTotalMemory(false) / 1048576.0:F0} MB"));
        // Diagnosis only (the daemon does not do this): what of the RSS is garbage the collector kept committed.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var rssCollected = rss.Rss;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"after the full snapshot and an aggressive blocking collection: RSS {rssCollected / 1048576.0:F0} MB, GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F0} MB, live {GC.GetTotalMemory(true) / 1048576.0:F0} MB"));
        var full = Check(fullReports, lists, deny, "full snapshot");

        // A delta of 5,000 adds and 5,000 removes, published as two versions by another process (the admin client's
        // JSON would otherwise count in this device's RSS).
        if (Program.Child("lists-publish-delta", deny, url) != 0) throw new InvalidOperationException("publishing the delta failed");
        rss.Reset();
        IReadOnlyList<ListUpdateReport> deltaReports = [];
        var deltaMs = 0.0;
        var duringDelta = taps.During(() =>
        {
            var timer = Stopwatch.StartNew();
            deltaReports = updater.UpdateAsync().GetAwaiter().GetResult();
            deltaMs = timer.Elapsed.TotalMilliseconds;
            Thread.Sleep(500);
        });
        var peakDelta = rss.Peak;
        var delta = Check(deltaReports, lists, deny, "delta");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
            device: RSS in service {rssInService / 1048576.0:F0} MB; taps idle: {Taps.Describe(idle)}
            full snapshot {before} -> {full.VersionAfter}: {fullMs:F0} ms, peak RSS {peakFull / 1048576.0:F0} MB, after {afterFull / 1048576.0:F0} MB; taps: {Taps.Describe(duringFull)}
            delta -> {delta.VersionAfter}: {deltaMs:F0} ms, peak RSS {peakDelta / 1048576.0:F0} MB; taps: {Taps.Describe(duringDelta)}
            """));
        File.WriteAllText(resultPath, JsonSerializer.Serialize(new ListsResult
        {
            Deny = deny,
            Entitlements = EntitlementCount,
            ServiceMb = rssInService / 1048576.0,
            FullMs = fullMs,
            FullPeakMb = peakFull / 1048576.0,
            FullAfterMb = afterFull / 1048576.0,
            FullCollectedMb = rssCollected / 1048576.0,
            DeltaMs = deltaMs,
            DeltaPeakMb = peakDelta / 1048576.0,
            IdleP99Us = Taps.Us(idle.Decisions, 0.99),
            IdleDueP99Ms = Taps.Us(idle.FromDue, 0.99) / 1000,
            FullP99Us = Taps.Us(duringFull.Decisions, 0.99),
            FullDueP99Ms = Taps.Us(duringFull.FromDue, 0.99) / 1000,
            FullDueMaxMs = Taps.Us(duringFull.FromDue, 1.0) / 1000,
            DeltaP99Us = Taps.Us(duringDelta.Decisions, 0.99),
            DeltaDueP99Ms = Taps.Us(duringDelta.FromDue, 0.99) / 1000,
            FullGcPauseMs = duringFull.GcPaused.TotalMilliseconds,
        }));
        return 0;
    }

    /// <summary>The `lists-publish-delta` mode: the back office gets 5,000 new deny entries and loses 5,000.</summary>
    public static int PublishDelta(int deny, string url)
    {
        using var admin = Admin(new Uri(url));
        Send(admin, HttpMethod.Post, "/v1/admin/deny", BenchData.DenyEntries(DeltaHalf, new Random(BenchData.Seed + 11)).ToArray());
        Send(admin, HttpMethod.Post, "/v1/admin/deny/remove", BackofficeDeny(deny).Take(DeltaHalf).Select(e => e.Key).ToArray());
        return 0;
    }

    private static ListUpdateReport Check(IReadOnlyList<ListUpdateReport> reports, StoredLists lists, int deny, string what)
    {
        var report = reports.Single(r => r.List == ListKind.Deny);
        if (report.Outcome != ListUpdateOutcome.Applied) throw new InvalidOperationException($"the {what} was not applied: {report.Outcome} {report.Problem}");
        if (reports.Any(r => r.List != ListKind.Deny && r.Outcome != ListUpdateOutcome.UpToDate)) throw new InvalidOperationException($"another list moved during the {what}");
        if (lists.Live.Current.DenyList.Count != deny) throw new InvalidOperationException($"after the {what} the deny list holds {lists.Live.Current.DenyList.Count} entries, not {deny}");
        return report;
    }

    /// <summary>
    /// Asks the back office for the deny list's full snapshot as a device with no list does, reads the answer to its end
    /// and returns how long that took: the back office's one build and signing of the current version's package.
    /// </summary>
    private static double BuildSnapshot(Uri url)
    {
        using var device = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DeviceSecret);
        device.DefaultRequestHeaders.Add(SyncHeaders.DeviceId, DeviceId);
        var timer = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/devices/{DeviceId}/lists/deny?since=0", UriKind.Relative));
        using var response = device.Send(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        response.Content.CopyTo(Stream.Null, null, CancellationToken.None);
        var ms = timer.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"back office: full deny snapshot built, signed and sent in {ms:F0} ms"));
        return ms;
    }

    private static Markdown Report(ListsResult r, DaemonUpdate? daemon, IReadOnlyList<double> builds)
    {
        var md = new Markdown();
        md.Line(Markdown.F($"List updates end to end: the reference back office (own process, Kestrel on 127.0.0.1, LiteDB) publishes a {r.Deny:N0}-entry deny list; the device (own process) has another {r.Deny:N0}-entry list and {r.Entitlements:N0} entitlements in service and runs `ListUpdater.UpdateAsync` (HTTP GET, signature, checks, mass-change guard, store, swap) while a tap is decided every 2 ms on another thread."));
        md.Table(
            ["update", "time (request to swapped in)", "tap decision p99", "tap from due p99", "peak RSS of the device"],
            [
                ["idle (2 s, nothing updating)", "—", Markdown.F($"{r.IdleP99Us:F1} µs"), Markdown.F($"{r.IdleDueP99Ms:F2} ms"), Markdown.F($"{r.ServiceMb:F0} MB (in service)")],
                [Markdown.F($"full snapshot, {r.Deny:N0} entries"), Markdown.F($"{r.FullMs / 1000:F2} s"), Markdown.F($"{r.FullP99Us:F1} µs"), Markdown.F($"{r.FullDueP99Ms:F2} ms (max {r.FullDueMaxMs:F1} ms)"), Markdown.F($"{r.FullPeakMb:F0} MB ({r.FullAfterMb:F0} MB 1 s after)")],
                [Markdown.F($"delta, {2 * DeltaHalf:N0} changes"), Markdown.F($"{r.DeltaMs:F0} ms"), Markdown.F($"{r.DeltaP99Us:F1} µs"), Markdown.F($"{r.DeltaDueP99Ms:F2} ms"), Markdown.F($"{r.DeltaPeakMb:F0} MB")],
            ]);
        md.Line(Markdown.F($"The back office builds and signs a version's full snapshot once and keeps it for every device asking for it; it was asked for once before each measured update, as by the first device of a fleet, and took {string.Join(" and ", builds.Select(b => Markdown.F($"{b / 1000:F2} s")))} (the device's update and the daemon's): the times above are the device's own (download, verify, apply). A device asking while the build runs waits for it; if its attempt times out (10 s), its retry finds the package ready."));
        md.Line(Markdown.F($"Device RSS after the full update: {r.FullAfterMb:F0} MB 1 s after the swap; {r.FullCollectedMb:F0} MB after an aggressive blocking collection run by the bench for diagnosis (in service before: {r.ServiceMb:F0} MB): the difference was garbage the collector kept committed and the replaced list waiting for its finalizer, not data held."));
        md.Target("a 10,000-change delta applied ≤ 1 s", r.DeltaMs <= 1000, Markdown.F($"{r.DeltaMs:F0} ms"));
        md.Target(Markdown.F($"a full {r.Deny:N0}-entry snapshot downloaded, verified and applied ≤ 20 s"), r.FullMs <= 20_000, Markdown.F($"{r.FullMs / 1000:F2} s"));
        md.Target("tap decision p99 during the full apply ≤ 2× idle p99", r.FullP99Us <= 2 * r.IdleP99Us, Markdown.F($"{r.FullP99Us:F1} µs against {r.IdleP99Us:F1} µs idle, {r.FullP99Us / r.IdleP99Us:F1}×; from due {r.FullDueP99Ms:F2} ms against {r.IdleDueP99Ms:F2} ms"));
        if (daemon is null)
        {
            md.Target("device RSS ≤ 150 MB during the full update (this bench's device process)", r.FullPeakMb <= BudgetMb, Markdown.F($"peak {r.FullPeakMb:F0} MB"));
            md.Line("The daemon's own update was not measured: the ReadyToRun publish was missing (`dotnet pwsh build.ps1 publish`).");
            return md;
        }
        md.Line(Markdown.F($"The daemon itself (`validator run` from the ReadyToRun publish with its systemd unit's runtime environment, {Validator.BenchKit.DaemonEnvironment.Describe()}, no pcscd) started on the same store, behind the same back office, and fetched the same full snapshot on its own right after start, as a device back from a long time offline does ({daemon.ReadyToAppliedMs / 1000:F1} s from READY to swapped in). Its resident memory from /proc/<pid>/status, sampled every 2 ms; anonymous memory is what the process has allocated (heaps, lists), file pages are the mapped runtime and ReadyToRun images (the kernel can drop them and read them again), shared memory is the runtime's executable memory (double-mapped through a memfd):"));
        md.Table(
            ["daemon", "RSS", "anonymous", "file pages", "shared (executable memory)"],
            [
                Row("at READY (lists loaded, update starting)", daemon.Ready),
                Row(Markdown.F($"peak of the update (kernel's high-water mark: {daemon.PeakMb:F0} MB)"), daemon.Peak),
                Row("1 s after the swap", daemon.After),
            ]);
        md.Line(Markdown.F($"This bench's device process (first table) runs JIT-compiled code beside the lists and no host, sync services or logging: its figures are the bench's, the daemon's are the product's."));
        md.Target("device RSS ≤ 150 MB during the full update (the daemon)", daemon.PeakMb <= BudgetMb,
            Markdown.F($"peak {daemon.PeakMb:F0} MB, of it {daemon.Peak.Anonymous:F0} MB anonymous (this bench's device process: {r.FullPeakMb:F0} MB)"));
        return md;
    }

    private static string[] Row(string what, Resident m) =>
        [what, Markdown.F($"{m.Rss:F0} MB"), Markdown.F($"{m.Anonymous:F0} MB"), Markdown.F($"{m.File:F0} MB"), Markdown.F($"{m.Shared:F0} MB")];

    private static HttpClient Admin(Uri url)
    {
        var admin = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return admin;
    }

    private static void Send<T>(HttpClient admin, HttpMethod method, string path, T body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = JsonContent.Create(body, options: Json),
        };
        using var response = admin.Send(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }

    /// <summary>The back office in a child process (this bench's `backoffice` mode); disposing kills it.</summary>
    private sealed class Backoffice : IDisposable
    {
        private readonly Process _process;

        private Backoffice(Process process, Uri url)
        {
            _process = process;
            Url = url;
        }

        public Uri Url { get; }

        public static Backoffice Start(string database, string key)
        {
            var start = Program.Self("backoffice", database, key);
            start.RedirectStandardOutput = true;
            start.RedirectStandardInput = true;
            var process = Process.Start(start)!;
            // The child prints its bound address once Kestrel serves requests.
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (!line.StartsWith("listening ", StringComparison.Ordinal)) continue;
                // From here its log goes to this console; a full pipe would stall it.
                new Thread(() =>
                {
                    while (process.StandardOutput.ReadLine() is { } log) Console.WriteLine("back office: " + log);
                }) { IsBackground = true }.Start();
                return new Backoffice(process, new Uri(line["listening ".Length..]));
            }
            throw new InvalidOperationException("the back office exited before it listened");
        }

        public void Dispose()
        {
            _process.StandardInput.Close(); // the child stops when its input closes
            if (!_process.WaitForExit(30_000)) _process.Kill();
            _process.Dispose();
        }
    }

    /// <summary>The `backoffice` mode: serves until standard input closes.</summary>
    public static int ServeBackoffice(string database, string key)
    {
        var options = new BackofficeOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = database,
            SigningKeyPath = key,
            AdminToken = AdminToken,
        };
        options.Devices.Add(new DeviceCredential { Id = DeviceId, Secret = DeviceSecret });
        var running = BackofficeHost.StartAsync(options).GetAwaiter().GetResult();
        Console.WriteLine($"listening {running.Url}");
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null) { }
        running.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}

/// <summary>What the daemon's own full update measured: READY to swapped in, RSS at READY, peak from READY to 1 s after, RSS then.</summary>
internal sealed record DaemonUpdate(double ReadyToAppliedMs, Resident Ready, Resident Peak, double PeakMb, Resident After);

/// <summary>What the device side of the list bench measured.</summary>
internal sealed record ListsResult
{
    public int Deny { get; init; }
    public int Entitlements { get; init; }
    public double ServiceMb { get; init; }
    public double FullMs { get; init; }
    public double FullPeakMb { get; init; }
    public double FullAfterMb { get; init; }
    public double FullCollectedMb { get; init; }
    public double DeltaMs { get; init; }
    public double DeltaPeakMb { get; init; }
    public double IdleP99Us { get; init; }
    public double IdleDueP99Ms { get; init; }
    public double FullP99Us { get; init; }
    public double FullDueP99Ms { get; init; }
    public double FullDueMaxMs { get; init; }
    public double DeltaP99Us { get; init; }
    public double DeltaDueP99Ms { get; init; }
    public double FullGcPauseMs { get; init; }
}
