using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Feedback;
using Validator.Core.Taps;
using Validator.Daemon.Cli;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Pcsc;
using Validator.Storage.Journal;
using Validator.Storage.Lists;
using Validator.Sync;
using Validator.Sync.Heartbeats;

namespace Validator.Daemon.Service;

/// <summary>The composition of the running validator: every part, built once, from the configuration.</summary>
internal static partial class ValidatorServices
{
    /// <summary>Registers the tap path, its storage, feedback, PC/SC and (when configured) the upstream jobs.</summary>
    /// <exception cref="ConfigurationException">The configuration cannot be used; the message says what to fix.</exception>
    public static IServiceCollection AddValidator(this IServiceCollection services, IConfiguration configuration)
    {
        var device = new DeviceOptions();
        configuration.GetSection(DeviceOptions.Section).Bind(device);
        var problems = device.Problems().ToList();
        var key = TokenKeySource.Load(configuration);
        if (key is null) problems.Add("no card-token key: set Cards:TokenKeyFile (run 'validator provision') or Cards:TokenKey");
        if (problems.Count > 0) throw new ConfigurationException(string.Join("; ", problems));

        var feedbackOptions = new FeedbackOptions();
        configuration.GetSection(FeedbackOptions.SectionName).Bind(feedbackOptions);
        var data = device.DataDirectory;
        try
        {
            // Taps and lists are the service's alone: a directory it creates is owner-only (systemd's StateDirectory makes
            // /var/lib/validator 0750 with UMask=0077 in service; this covers a data directory elsewhere).
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(data);
            else Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"Device:DataDirectory '{data}' cannot be created ({ex.Message}); systemd's StateDirectory=validator makes /var/lib/validator", ex);
        }

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(device);
        var journalOptions = new TapJournalOptions();
        configuration.GetSection("Journal").Bind(journalOptions);
        journalOptions.Directory = Path.Combine(data, "journal");
        services.AddSingleton(sp => TapJournal.Open(journalOptions, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TapJournal>>()));
        services.AddSingleton(sp => OpenLists(Path.Combine(data, "lists.db"), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TapService>>()));
        services.AddSingleton(sp => new ClockTrustMonitor(sp.GetRequiredService<TimeProvider>(), new TimesyncdSyncSource(device.ClockSyncFlagPath), new LastTrustedTimeFile(Path.Combine(data, "last-trusted-time"))));
        services.AddSingleton(sp => SeededRepeatTaps(sp.GetRequiredService<TapJournal>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new FareService(sp.GetRequiredService<StoredLists>().Live, sp.GetRequiredService<ClockTrustMonitor>(), sp.GetRequiredService<RepeatTapTracker>()));
        services.AddSingleton(sp => new CardReader(new CardReaderOptions { TokenKey = key! }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => OpenFeedback(feedbackOptions, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new ReaderMonitor(sp.GetRequiredService<ILogger<ReaderMonitor>>()));
        services.AddSingleton(_ => new PcscCardConnector(new PcscCardOptions { ApduTimeout = TimeSpan.FromMilliseconds(device.ApduTimeoutMs) }));
        services.AddSingleton(sp => new TapProcessor(
            sp.GetRequiredService<CardReader>(), sp.GetRequiredService<FareService>(), sp.GetRequiredService<TapJournal>(), sp.GetRequiredService<IFeedbackSink>(),
            device.Id, new TapLocation(device.Line, device.Stop), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TapLatencies>();
        // Before the tap loop, so it stops after it and writes the last tap's figures.
        services.AddHostedService<LatencyPublisher>();
        services.AddSingleton<TapService>();
        services.AddHostedService(sp => sp.GetRequiredService<TapService>());
        services.AddHostedService<WatchdogService>();

        var sync = new SyncOptions();
        configuration.GetSection(SyncOptions.Section).Bind(sync);
        if (!string.IsNullOrWhiteSpace(sync.UpstreamUrl))
        {
            if (string.IsNullOrWhiteSpace(sync.DeviceId)) sync.DeviceId = device.Id;
            if (string.IsNullOrWhiteSpace(sync.StateDirectory)) sync.StateDirectory = Path.Combine(data, "sync");
            try
            {
                services.AddValidatorSync(sync);
                // The same sender, told where the tap loop keeps its latency histograms.
                services.Replace(ServiceDescriptor.Singleton(sp =>
                {
                    var sender = ActivatorUtilities.CreateInstance<HeartbeatSender>(sp);
                    sender.TapSteps = sp.GetRequiredService<TapLatencies>();
                    var monitor = sp.GetRequiredService<ReaderMonitor>();
                    sender.ReaderState = () => !monitor.ServiceAvailable ? "pcscd unreachable" : monitor.Readers.Count == 0 ? "no reader" : $"{monitor.Readers.Count} reader(s)";
                    var clock = sp.GetRequiredService<ClockTrustMonitor>();
                    sender.ClockTrusted = () => clock.Read().Trust == ClockTrust.Trusted;
                    return sender;
                }));
            }
            catch (ArgumentException ex)
            {
                throw new ConfigurationException(ex.Message, ex);
            }
            catch (InvalidOperationException ex)
            {
                throw new ConfigurationException(ex.Message, ex);
            }
        }
        return services;
    }

    /// <summary>Opens the lists; a damaged file is set aside and the lists start empty until the next download.</summary>
    private static StoredLists OpenLists(string path, TimeProvider time, ILogger logger)
    {
        StoredLists lists;
        try
        {
            lists = StoredLists.Open(path, time);
        }
        catch (ListStoreCorruptException ex) when (File.Exists(path))
        {
            var aside = ListStoreFile.SetAside(path, time);
            LogListsSetAside(logger, aside, ex.Message);
            lists = StoredLists.Open(path, time);
        }
        if (logger.IsEnabled(LogLevel.Information))
        {
            var loaded = lists.Live.Current;
            var took = lists.LoadTimes;
            long total = Ms(took.Total), deny = Ms(took.DenyList.Read), entitlements = Ms(took.Entitlements.Read);
            var collect = Ms(took.Entitlements.Collect + took.DenyList.Collect + took.Policy.Collect);
            int denyCount = loaded.DenyList.Count, entitlementCount = loaded.Entitlements.Count;
            long denyVersion = loaded.DenyStamp.Version, entitlementVersion = loaded.EntitlementStamp.Version, policyVersion = loaded.PolicyStamp.Version;
            LogListsLoaded(logger, total, denyCount, denyVersion, deny, entitlementCount, entitlementVersion, entitlements, policyVersion, collect);
        }
        return lists;

        static long Ms(TimeSpan span) => (long)Math.Round(span.TotalMilliseconds);
    }

    /// <summary>Accepted taps of the last hour from the journal, so a restart never makes a repeat tap chargeable.</summary>
    private static RepeatTapTracker SeededRepeatTaps(TapJournal journal, TimeProvider time)
    {
        var tracker = new RepeatTapTracker();
        var since = time.GetUtcNow().AddHours(-1);
        var recent = new List<(CardToken, RecentTap)>();
        var after = Math.Max(0, journal.LastSequence - 2000);
        while (true)
        {
            var batch = journal.ReadAfter(after, 500);
            if (batch.Count == 0) break;
            foreach (var tap in batch)
            {
                if (tap.Decision == nameof(FareOutcome.Accepted) && tap.Time >= since) recent.Add((tap.CardToken, new RecentTap(tap.Time, tap.Product)));
            }
            after = batch[^1].Sequence;
        }
        tracker.Seed(recent);
        return tracker;
    }

    private static IFeedbackSink OpenFeedback(FeedbackOptions options, ILoggerFactory loggers)
    {
        if (GpioFeedback.TryOpen(options, out var feedback, out var error, loggers: loggers))
        {
            _ = feedback.PlayStartup();
            return feedback;
        }
        // Taps still get decided and journaled; the missing lights are the technician's to fix (validator selftest).
        LogNoGpio(loggers.CreateLogger<TapService>(), error.Message);
        return new NoFeedback(loggers.CreateLogger<NoFeedback>());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "List store damaged, set aside as {Aside} ({Problem}); lists start empty until the next download")]
    private static partial void LogListsSetAside(ILogger logger, string aside, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lists loaded in {Milliseconds} ms: {DenyCount} deny entries (version {DenyVersion}) read in {DenyMs} ms, {EntitlementCount} entitlements (version {EntitlementVersion}) in {EntitlementMs} ms, policy version {PolicyVersion}; {CollectMs} ms returning the loading memory")]
    private static partial void LogListsLoaded(ILogger logger, long milliseconds, int denyCount, long denyVersion, long denyMs, int entitlementCount, long entitlementVersion, long entitlementMs, long policyVersion, long collectMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "LEDs and buzzer unavailable: {Problem}; taps are still decided and stored")]
    private static partial void LogNoGpio(ILogger logger, string problem);
}
