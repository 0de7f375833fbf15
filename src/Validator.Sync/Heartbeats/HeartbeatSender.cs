using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Validator.Core.Sync;
using Validator.Core.Taps;
using Validator.Storage.Journal;
using Validator.Storage.Lists;
using Validator.Sync.Lists;
using Validator.Sync.Upload;
using Validator.Sync.Upstream;

namespace Validator.Sync.Heartbeats;

/// <summary>
/// Builds the device's status (lists in service, queue depth, clock, reader, version, latencies), sends it, and nudges
/// the list updater when the answer shows a newer list than the one in service.
/// </summary>
public sealed class HeartbeatSender
{
    private static readonly string SoftwareVersion =
        typeof(HeartbeatSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly UpstreamClient _client;
    private readonly TapJournal _journal;
    private readonly StoredLists _lists;
    private readonly Uploader _uploader;
    private readonly ListUpdater _updater;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>A sender reporting on these parts.</summary>
    public HeartbeatSender(UpstreamClient client, TapJournal journal, StoredLists lists, Uploader uploader, ListUpdater updater, TimeProvider? time = null, ILogger<HeartbeatSender>? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        _lists = lists ?? throw new ArgumentNullException(nameof(lists));
        _uploader = uploader ?? throw new ArgumentNullException(nameof(uploader));
        _updater = updater ?? throw new ArgumentNullException(nameof(updater));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Reader state as the daemon names it; "unknown" until the daemon sets a source.</summary>
    public Func<string> ReaderState { get; set; } = static () => "unknown";

    /// <summary>Whether the device clock is trusted; false until the daemon sets a source.</summary>
    public Func<bool> ClockTrusted { get; set; } = static () => false;

    /// <summary>Card-present to feedback latencies measured by the tap loop, if the daemon shares them.</summary>
    public LatencyWindow? TapLatency { get; set; }

    /// <summary>Per-step tap latency histograms kept by the tap loop, if the daemon shares them.</summary>
    public TapLatencies? TapSteps { get; set; }

    /// <summary>The heartbeat as it would be sent now.</summary>
    public Heartbeat Build()
    {
        var steps = TapSteps is { Count: > 0 } latencies ? latencies.Summarize() : null;
        var total = steps?.FirstOrDefault(s => s.Step == "total");
        return new Heartbeat
        {
            DeviceTime = _time.GetLocalNow(),
            ClockTrusted = ClockTrusted(),
            Lists = _lists.Live.Current.Versions,
            QueueDepth = _journal.UnsentCount,
            ReaderState = ReaderState(),
            SoftwareVersion = SoftwareVersion,
            Latency = new LatencyFigures
            {
                TapP50Ms = TapLatency?.Percentile(50) ?? total?.P50Ms,
                TapP99Ms = TapLatency?.Percentile(99) ?? total?.P99Ms,
                UploadP50Ms = _uploader.UploadLatency.Percentile(50),
                UploadP99Ms = _uploader.UploadLatency.Percentile(99),
                TapSteps = steps,
            },
            ListProblem = _updater.LastProblem,
        };
    }

    /// <summary>Sends a heartbeat; the answer, or null when the back office could not be reached.</summary>
    public async Task<HeartbeatReply?> SendAsync(CancellationToken cancellationToken = default)
    {
        var heartbeat = Build();
        var result = await _client.SendHeartbeatAsync(heartbeat, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != UpstreamOutcome.Ok)
        {
            SyncLog.HeartbeatFailed(_logger, result.Problem ?? result.Outcome.ToString());
            return null;
        }
        var published = result.Value!.Lists;
        var held = heartbeat.Lists;
        if (published.DenyList > held.DenyList || published.Entitlements > held.Entitlements || published.Policy > held.Policy)
            _updater.Nudges.Signal();
        return result.Value;
    }
}
