using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Validator.Core.Clock;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;
using Validator.Storage.Journal;
using Validator.Storage.Lists;
using Validator.Sync;

namespace Validator.Daemon.Cli;

/// <summary>The checks of <c>validator selftest</c>, one method each; every one returns a verdict and never throws for a fault it tests.</summary>
internal static class SelftestChecks
{
    public static SelftestCheck Configuration(IConfiguration configuration)
    {
        const string Name = "configuration";
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration["Device:Id"])) problems.Add("Device:Id is empty");
        var sync = new SyncOptions();
        configuration.GetSection(SyncOptions.Section).Bind(sync);
        if (string.IsNullOrWhiteSpace(sync.StateDirectory)) sync.StateDirectory = StatusCommand.SyncStateDirectory(configuration, StatusCommand.DataDirectory(configuration));
        problems.AddRange(sync.Problems());
        try
        {
            if (TokenKeySource.Load(configuration) is null) problems.Add("no card-token key (Cards:TokenKeyFile)");
        }
        catch (ConfigurationException ex)
        {
            problems.Add(ex.Message);
        }
        return problems.Count == 0
            ? SelftestCheck.Pass(Name, $"provisioned as {configuration["Device:Id"]} ({ValidatorConfiguration.ConfigPath})")
            : SelftestCheck.Fail(Name, string.Join("; ", problems), "run 'validator provision' (see 'validator provision --help') or fix " + ValidatorConfiguration.ConfigPath);
    }

    public static SelftestCheck Feedback(IConfiguration configuration, bool simulate, ILoggerFactory logging)
    {
        const string Name = "leds";
        var options = new FeedbackOptions();
        configuration.GetSection(FeedbackOptions.SectionName).Bind(options);
        GpioFeedback feedback;
        try
        {
            feedback = simulate
                ? GpioFeedback.Open(options, new SimulatedGpioDriver(), new SimulatedPwmChannel(), loggers: logging)
                : GpioFeedback.Open(options, loggers: logging);
        }
        catch (FeedbackSetupException error)
        {
            return SelftestCheck.Fail(Name, error.Message, "the service holds the pins while it runs: 'systemctl stop validator' first; otherwise check the Feedback settings and wiring (docs/hardware.md)");
        }
        using (feedback)
        {
            if (!feedback.PlayStartup().Wait(TimeSpan.FromSeconds(10)))
                return SelftestCheck.Fail(Name, "the start-up pattern did not finish within 10 s", "check the GPIO driver setting (Feedback:Driver)");
        }
        return simulate
            ? SelftestCheck.Pass(Name, "start-up pattern played on the simulated GPIO (--simulate-gpio)")
            : SelftestCheck.Pass(Name, $"start-up pattern played (green {options.GreenPin}, red {options.RedPin}, amber {options.AmberPin?.ToString(CultureInfo.InvariantCulture) ?? "red+green"}, {options.Buzzer} buzzer {options.BuzzerPin}): each LED should have lit, with one beep");
    }

    public static SelftestCheck Reader()
    {
        const string Name = "reader";
        var probe = StatusReaderProbe.Probe(TimeSpan.FromSeconds(5));
        if (!probe.Reachable) return SelftestCheck.Fail(Name, $"pcscd not reachable: {probe.Problem}", "'systemctl status pcscd.socket'; install pcscd and libccid");
        if (probe.Readers.Count == 0) return SelftestCheck.Fail(Name, "pcscd is running but lists no reader", "plug the reader in (another USB port, a powered hub for an ACR122U); 'pcsc_scan' shows what pcscd sees");
        return SelftestCheck.Pass(Name, $"{probe.Readers.Count} reader(s): {string.Join(", ", probe.Readers)}");
    }

    /// <summary>Writes, syncs and deletes a file in the data directory: what every tap does.</summary>
    public static SelftestCheck Storage(string dataDirectory)
    {
        const string Name = "storage";
        var probe = Path.Combine(dataDirectory, $".selftest-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(dataDirectory);
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write("selftest\n"u8);
                stream.Flush(flushToDisk: true);
            }
            File.Delete(probe);
            var free = new DriveInfo(dataDirectory).AvailableFreeSpace;
            return free < 50L * 1024 * 1024
                ? SelftestCheck.Warn(Name, $"{dataDirectory} is writable but only {free / (1024 * 1024)} MiB free", "free space on the SD card; unsent taps are never deleted")
                : SelftestCheck.Pass(Name, $"{dataDirectory} writable and synced, {free / (1024 * 1024)} MiB free");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing was created.
            }
            return SelftestCheck.Fail(Name, $"{dataDirectory} is not writable: {e.Message}", "run as root or as the validator user; a read-only SD card is failing and must be replaced (docs/operations.md, Swap a device)");
        }
    }

    public static SelftestCheck Journal(StatusSnapshot snapshot, string directory)
    {
        const string Name = "journal";
        var state = StatusSnapshot.JournalLockState(directory);
        try
        {
            using var journal = snapshot.OpenJournalCopy(directory);
            if (journal is null) return SelftestCheck.Pass(Name, "no journal yet (created by the first tap)");
            var report = journal.OpenReport;
            var summary = $"{report.Records} tap(s) in {report.Segments} segment(s), {journal.LastSequence - journal.AcknowledgedThrough} unsent ({state}; checked a copy)";
            if (report.CorruptRegions > 0 || report.AckFileDamaged)
            {
                return SelftestCheck.Fail(Name, $"damaged: {report.CorruptRegions} region(s), {report.CorruptBytes} bytes{(report.AckFileDamaged ? ", upload cursor" : "")}; {summary}",
                    "the intact taps are kept and uploaded; if this repeats, the SD card is failing: replace it (docs/operations.md, Swap a device)");
            }
            // In a copy of a journal in use, a torn tail is a tap being written during the copy.
            if (report.TornTailBytes > 0 && state != "held by the running service")
                return SelftestCheck.Warn(Name, $"a torn last write ({report.TornTailBytes} bytes, a power cut mid-tap) will be cut off at the next start; {summary}", "nothing: no confirmed tap is lost");
            return SelftestCheck.Pass(Name, $"consistent: {summary}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return SelftestCheck.Fail(Name, $"cannot be read: {e.Message}", "run as root; if it persists the SD card is failing");
        }
    }

    public static SelftestCheck Lists(StatusSnapshot snapshot, string path, DateTimeOffset now, out SelftestCheck freshness)
    {
        const string Name = "lists";
        try
        {
            using var store = snapshot.OpenListsCopy(path);
            if (store is null)
            {
                freshness = SelftestCheck.Warn("list-age", "no lists yet", "let the service reach the back office (the first download follows within minutes)");
                return SelftestCheck.Pass(Name, $"no list store yet ({path} is created by the first download)");
            }
            var (deny, entitlements, policyStamp, policy) = StatusSnapshot.Lists(store);
            var stale = new List<string>();
            if (deny.IsStale(now, policy.DenyListMaxAge)) stale.Add(deny.Version == 0 ? "deny list never loaded" : $"deny list {Age(now - deny.UpdatedAt)} old (limit {Age(policy.DenyListMaxAge)})");
            if (entitlements.IsStale(now, policy.EntitlementsMaxAge)) stale.Add(entitlements.Version == 0 ? "entitlements never loaded" : $"entitlements {Age(now - entitlements.UpdatedAt)} old (limit {Age(policy.EntitlementsMaxAge)})");
            freshness = stale.Count == 0
                ? SelftestCheck.Pass("list-age", $"deny v{deny.Version} {Age(now - deny.UpdatedAt)} old, entitlements v{entitlements.Version} {Age(now - entitlements.UpdatedAt)} old (limits {Age(policy.DenyListMaxAge)}, {Age(policy.EntitlementsMaxAge)})")
                : SelftestCheck.Warn("list-age", string.Join("; ", stale), "get the bus into network range; check 'validator status' (upload) and the upstream check above");
            return SelftestCheck.Pass(Name, $"list store opens: deny v{deny.Version}, entitlements v{entitlements.Version}, policy v{policyStamp.Version} (checked a copy)");
        }
        catch (Exception e) when (e is ListStoreCorruptException or IOException or UnauthorizedAccessException)
        {
            freshness = SelftestCheck.Warn("list-age", "not known: the list store cannot be read", "see the lists check");
            return SelftestCheck.Fail(Name, $"cannot be read: {e.Message}", "the service sets a damaged store aside and downloads the lists again at its next start: 'systemctl restart validator'");
        }
    }

    public static SelftestCheck Clock(string syncFlagPath)
    {
        const string Name = "clock";
        return new TimesyncdSyncSource(syncFlagPath).IsSynchronized
            ? SelftestCheck.Pass(Name, $"synchronised in this boot (systemd-timesyncd), now {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z")
            : SelftestCheck.Warn(Name, $"not synchronised in this boot ({syncFlagPath} missing); taps are marked untrusted", "network with NTP access: 'timedatectl timesync-status'");
    }

    /// <summary>Asks the back office for this device's status with its own id and secret: reachability and credentials at once.</summary>
    public static SelftestCheck Upstream(IConfiguration configuration, TimeSpan timeout)
    {
        const string Name = "upstream";
        var url = configuration["Sync:UpstreamUrl"];
        if (string.IsNullOrWhiteSpace(url)) return SelftestCheck.Warn(Name, "skipped: no back office configured (Sync:UpstreamUrl)", "run 'validator provision --upstream URL ...'");
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUrl))
            return SelftestCheck.Fail(Name, $"Sync:UpstreamUrl '{url}' is not an address", "run 'validator provision' again");
        var deviceId = configuration["Sync:DeviceId"] ?? configuration["Device:Id"] ?? "";
        using var handler = new SocketsHttpHandler { ConnectTimeout = timeout };
        if (configuration["Sync:PinnedCaPath"] is { Length: > 0 } caPath && File.Exists(caPath))
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return chain.Build(leaf);
            };
        }
        using var client = new HttpClient(handler) { Timeout = timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, $"v1/devices/{Uri.EscapeDataString(deviceId)}/status"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", configuration["Sync:DeviceSecret"] ?? "");
        request.Headers.Add("X-Device-Id", deviceId);
        try
        {
            using var response = client.Send(request);
            var code = (int)response.StatusCode;
            return code switch
            {
                >= 200 and < 300 => SelftestCheck.Pass(Name, $"{baseUrl} answered and knows this device (HTTP {code})"),
                401 or 403 => SelftestCheck.Fail(Name, $"{baseUrl} is reachable but refused device '{deviceId}' (HTTP {code})", "the device id or secret does not match the back office: provision again with the secret from the back office"),
                _ => SelftestCheck.Warn(Name, $"{baseUrl} is reachable but answered HTTP {code} to the device status request", "check Sync:UpstreamUrl points at the back office's base address"),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException)
        {
            var reason = e is TaskCanceledException or OperationCanceledException ? $"no answer within {timeout.TotalSeconds:F0} s" : e.Message;
            return SelftestCheck.Fail(Name, $"{baseUrl} not reachable: {reason}", "check the network (Ethernet/Wi-Fi, 'ping'), DNS and the address; taps are kept until it is reachable");
        }
    }

    private static string Age(TimeSpan age) => age.TotalHours < 48 ? $"{age.TotalHours:F1} h" : $"{age.TotalDays:F1} days";
}
