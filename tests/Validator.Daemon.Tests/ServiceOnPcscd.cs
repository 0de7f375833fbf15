using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;
using Validator.Storage.Journal;
using Validator.Storage.Lists;

namespace Validator.Daemon.Tests;

/// <summary>One tap as the running service logged it, with the feedback it showed for it.</summary>
/// <param name="Sequence">The journal sequence (-1 when the tap was not stored).</param>
/// <param name="Reason">The decision's reason code.</param>
/// <param name="Apdus">APDUs the read exchanged.</param>
/// <param name="MsFromCardPresent">From the card-present event to the decision shown.</param>
/// <param name="Signal">What the feedback showed ("Accepted", "TapAgain", …); null when nothing was shown.</param>
internal sealed record ReaderFaultTap(long Sequence, string Reason, int Apdus, double MsFromCardPresent, string? Signal);

/// <summary>
/// <c>validator run</c> as its own process on the real pcscd + vpcd, offline (no back office): lists written into its
/// data directory before it starts (pay-as-you-go on, passes for the given UIDs), GPIO on a chip no machine has so the
/// feedback is the logged one (<c>NoFeedback</c>), and its stdout read line by line.
/// </summary>
internal sealed partial class ServiceOnPcscd : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    public const string DeviceId = "bus-0417-door-2";
    public const string OutOfService = "Device status (no GPIO): OutOfService";
    public const string Ready = "Device status (no GPIO): Ready";
    public const string ReaderAttached = "Reader attached: " + PcscStack.ReaderName;
    public const string ReaderDetached = "Reader detached: " + PcscStack.ReaderName;

    private readonly DirectoryInfo _root;
    private readonly string _config;
    private ValidatorProcess? _process;

    [GeneratedRegex(@"Tap (-?\d+): (\S+) \(.*, (\d+) APDUs, ([\d.]+) ms from card present")]
    private static partial Regex TapLine();

    [GeneratedRegex(@"Feedback \(no GPIO\): (\w+)")]
    private static partial Regex FeedbackLine();

    /// <summary>Prepares the data directory and configuration; <paramref name="apduTimeoutMs"/> is Device:ApduTimeoutMs.</summary>
    public ServiceOnPcscd(int apduTimeoutMs = 1000, IEnumerable<byte[]>? passUids = null)
    {
        _root = Directory.CreateTempSubdirectory("validator-reader-faults-");
        DataDirectory = Path.Combine(_root.FullName, "data");
        Directory.CreateDirectory(DataDirectory);
        _config = Path.Combine(_root.FullName, "validator.json");
        File.WriteAllText(_config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Device"] = new Dictionary<string, object> { ["Id"] = DeviceId, ["DataDirectory"] = DataDirectory, ["Line"] = "110", ["ApduTimeoutMs"] = apduTimeoutMs },
            ["Cards"] = new Dictionary<string, string> { ["TokenKey"] = Convert.ToBase64String(TokenKey) },
            // No machine has GPIO chip 99: the service runs with NoFeedback, whose log lines are the feedback watched here.
            ["Feedback"] = new Dictionary<string, int> { ["GpioChip"] = 99 },
        }));
        var tokenizer = new CardTokenizer(TokenKey);
        using var lists = StoredLists.Open(Path.Combine(DataDirectory, "lists.db"), TimeProvider.System);
        lists.ApplyPolicy(1, new FarePolicy { Products = [new Product("student", "Schülerticket")], AcceptPayAsYouGo = true });
        lists.ApplyDenySnapshot(1, []);
        lists.ApplyEntitlementSnapshot(1, (passUids ?? []).Select((uid, i) => new Entitlement
        {
            Id = $"pass-{i}", Token = tokenizer.ForUid(uid), Product = "student", ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31),
        }).ToList());
    }

    public byte[] TokenKey { get; } = RandomNumberGenerator.GetBytes(32);

    public string DataDirectory { get; }

    /// <summary>The running service; fails when it was not started.</summary>
    public ValidatorProcess Process => _process ?? throw new InvalidOperationException("the service was not started");

    /// <summary>Every stdout line read so far, in order.</summary>
    public List<string> Seen { get; } = [];

    /// <summary>Starts <c>validator run</c>; returns at once (the caller waits for what it needs).</summary>
    public void Start() => _process = ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = _config });

    /// <summary>Starts the service and waits until it has the virtual reader.</summary>
    public void StartWithReader()
    {
        Start();
        WaitFor(ReaderAttached);
    }

    /// <summary>Reads lines until one contains <paramref name="text"/>; returns the lines read, the match last.</summary>
    public List<string> WaitFor(string text) => WaitFor(line => line.Contains(text, StringComparison.Ordinal), text);

    /// <summary>Reads lines until one matches; returns the lines read, the match last.</summary>
    public List<string> WaitFor(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        var read = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) Assert.Fail($"the service did not log '{what}' in time; output:\n{Process.Output}");
            var line = Process.NextLine(left);
            Seen.Add(line);
            read.Add(line);
            if (match(line)) return read;
        }
    }

    /// <summary>Waits for a line containing <paramref name="text"/>, unless one came since <paramref name="mark"/> (an index into <see cref="Seen"/>).</summary>
    public string WaitSince(int mark, string text)
    {
        var earlier = Seen.Skip(mark).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
        return earlier ?? WaitFor(text)[^1];
    }

    /// <summary>Waits for the next logged tap and the feedback shown for it (logged just before the tap line).</summary>
    public ReaderFaultTap NextTap(TimeSpan? timeout = null)
    {
        var lines = WaitFor(l => TapLine().IsMatch(l), "Tap N:", timeout);
        var tap = TapLine().Match(lines[^1]);
        var signal = lines.Select(l => FeedbackLine().Match(l)).LastOrDefault(m => m.Success)?.Groups[1].Value;
        return new ReaderFaultTap(
            long.Parse(tap.Groups[1].Value, CultureInfo.InvariantCulture), tap.Groups[2].Value,
            int.Parse(tap.Groups[3].Value, CultureInfo.InvariantCulture), double.Parse(tap.Groups[4].Value, CultureInfo.InvariantCulture), signal);
    }

    /// <summary>Puts <paramref name="card"/> on the reader, waits for the service's answer, takes the card off again.</summary>
    public ReaderFaultTap Tap(ICardModel card, VpcdOptions? options = null)
    {
        using var virtualCard = new VpcdCard(card, options ?? new VpcdOptions { Port = PcscStack.Port });
        virtualCard.Insert();
        var served = NextTap();
        virtualCard.Remove();
        PcscStack.RequireEmptyReader();
        return served;
    }

    /// <summary><c>validator status --json</c> against this device, as a technician runs it beside the service.</summary>
    public JsonDocument Status()
    {
        using var status = ValidatorProcess.Start(["status", "--json"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = _config });
        Assert.That(status.WaitForExit(Patience), Is.Zero, status.Output);
        var json = status.Output[status.Output.IndexOf('{', StringComparison.Ordinal)..];
        return JsonDocument.Parse(json);
    }

    /// <summary>A figure of the service process from /proc/&lt;pid&gt;/status, e.g. "Threads".</summary>
    public int ProcStatus(string field)
    {
        var line = File.ReadLines($"/proc/{Process.Id}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return int.Parse(line[(field.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>File descriptors the service process holds (sockets to pcscd among them).</summary>
    public int OpenFiles() => Directory.GetFileSystemEntries($"/proc/{Process.Id}/fd").Length;

    /// <summary>SIGTERM, as systemd stops it; it must exit cleanly.</summary>
    public void Stop()
    {
        Process.Terminate();
        Assert.That(Process.WaitForExit(Patience), Is.Zero, Process.Output);
    }

    /// <summary>Every tap of the stopped service's journal, oldest first.</summary>
    public IReadOnlyList<Core.Taps.TapRecord> Journal()
    {
        using var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(DataDirectory, "journal") });
        return journal.ReadAfter(0, 500);
    }

    public void Dispose()
    {
        _process?.Dispose();
        _root.Delete(recursive: true);
    }
}
