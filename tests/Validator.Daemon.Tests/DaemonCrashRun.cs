using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;
using Validator.Storage.Journal;
using Validator.Storage.Lists;

namespace Validator.Daemon.Tests;

/// <summary>
/// One crash run: the back office and the daemon as processes, cards tapping, lists changing, and the daemon killed
/// with SIGKILL at the seeded instants. A tap counts as acknowledged once the daemon logged "Tap N: reason", which it
/// does after the journal write and the feedback (TapService after TapProcessor), so it is a tap the student saw.
/// </summary>
internal sealed partial class DaemonCrashRun
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = BackofficeProcess.Patience;
    private static readonly TimeSpan CardDwellLimit = TimeSpan.FromSeconds(4);
    private const int BigChangeEntries = 3000;

    private readonly DirectoryInfo _root;
    private readonly int _seed;
    private readonly int _kills;
    private readonly byte[] _tokenKey = RandomNumberGenerator.GetBytes(32);
    private readonly Random _cardRandom;
    private readonly Random _listRandom;
    private readonly List<TestCard> _cards = [];
    private readonly Dictionary<string, List<long>> _published = new() { ["deny"] = [], ["entitlements"] = [], ["policy"] = [] };
    private readonly Dictionary<string, List<long>> _applied = new() { ["deny"] = [], ["entitlements"] = [], ["policy"] = [] };
    private readonly List<Acknowledged> _acknowledged = [];
    private readonly List<double> _readyMs = [];
    private readonly List<string> _problems = [];
    private readonly List<CardLeftOn> _cardsLeftOn = [];
    private readonly List<DenyKey> _bigSet = [];
    private readonly List<string> _extraEntitlements = [];
    private readonly List<DenyKey> _smallDenies = [];
    private string _notifyPath = "";
    private string _config = "";
    private string _data = "";
    private BackofficeProcess _backoffice = null!;
    private Socket _notify = null!;
    private TestCard? _onReader;
    private DateTime _insertedAt;
    private bool _tapSeen;
    private DateTime _nextInsert;
    private DateTime _nextListChange;
    private bool _toggleDenied;
    private string? _lastAnswer;
    private long _bigChangeVersion;
    private int _run;
    private int _entitlementCounter;
    private readonly Stats _stats = new();

    public DaemonCrashRun(DirectoryInfo root, int seed, int kills)
    {
        _root = root;
        _seed = seed;
        _kills = kills;
        _cardRandom = new Random(unchecked(seed * 31 + 1));
        _listRandom = new Random(unchecked(seed * 31 + 2));
    }

    [GeneratedRegex(@"Tap (-?\d+): (\S+) \(")]
    private static partial Regex TapLine();

    [GeneratedRegex(@"Tap (\d+) shown again: (\S+) \(")]
    private static partial Regex ShownAgainLine();

    [GeneratedRegex(@"List (\w+) update refused, the old list stays in service: (.*)$")]
    private static partial Regex RefusedLine();

    [GeneratedRegex(@"List (\w+) updated to version (\d+)")]
    private static partial Regex ListLine();

    /// <summary>
    /// The instants of the run that the seed alone decides: per kill, whether it lands during start-up and its delay in
    /// milliseconds (from process start during start-up, else from READY).
    /// </summary>
    public static List<(bool DuringStart, int DelayMs)> Schedule(int seed, int kills)
    {
        var random = new Random(seed);
        var schedule = new List<(bool, int)>(kills);
        for (var i = 0; i < kills; i++)
        {
            // One kill in ten lands while the daemon starts (journal recovery, list store opening, first connects).
            var duringStart = i > 0 && random.NextDouble() < 0.1;
            schedule.Add((duringStart, duringStart ? random.Next(50, 1500) : random.Next(100, 3000)));
        }
        return schedule;
    }

    public void Run()
    {
        var total = Stopwatch.StartNew();
        TestContext.Out.WriteLine($"crash run: seed {_seed}, {_kills} kills (replay: VALIDATOR_CRASH_SEED={_seed} VALIDATOR_CRASH_KILLS={_kills})");
        _data = Path.Combine(_root.FullName, "data");
        _notifyPath = Path.Combine(_root.FullName, "notify.sock");
        using var backoffice = BackofficeProcess.Start(_root);
        _backoffice = backoffice;
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(_notifyPath));
        _notify = notify;
        SetUpCardsAndLists();
        _config = backoffice.WriteDeviceConfig(Path.Combine(_root.FullName, "validator.json"), _data, _tokenKey,
            uploadInterval: TimeSpan.FromMilliseconds(200), listPollInterval: TimeSpan.FromMilliseconds(300), heartbeatInterval: TimeSpan.FromSeconds(1));
        try
        {
            var schedule = Schedule(_seed, _kills);
            for (var i = 0; i < _kills; i++)
            {
                KillOnce(schedule[i].DuringStart, TimeSpan.FromMilliseconds(schedule[i].DelayMs));
                if ((i + 1) % 25 == 0)
                {
                    TestContext.Progress.WriteLine($"crash run seed {_seed}: {i + 1}/{_kills} kills, {_acknowledged.Count} taps acknowledged, {_stats.ListUpdatesApplied} list updates applied, {total.Elapsed:mm\\:ss}");
                }
            }
            FinalRunAndChecks();
        }
        finally
        {
            foreach (var card in _cards) card.Virtual.Dispose();
            TestContext.Out.WriteLine(Summary(total.Elapsed));
        }
        Assert.That(_problems, Is.Empty, $"seed {_seed}: " + string.Join(Environment.NewLine, _problems));
    }

    private void SetUpCardsAndLists()
    {
        var tokenizer = new CardTokenizer(_tokenKey);
        TestCard Card(string name, CardholderData data, ICardModel model) =>
            new(name, tokenizer.ForPan(data.Pan.AsSpan()), new VpcdCard(model, new VpcdOptions { Port = PcscStack.Port }));
        var passMastercard = new CardholderData("5413330089600010", "2812", 1);
        _cards.Add(Card("pass-mastercard", passMastercard, CardProfiles.Mastercard(passMastercard)));
        _cards.Add(Card("pass-visa", CardProfiles.DefaultVisa, CardProfiles.Visa(CardProfiles.DefaultVisa)));
        _cards.Add(Card("payg-maestro", CardProfiles.DefaultMaestro, CardProfiles.Maestro(CardProfiles.DefaultMaestro)));
        _cards.Add(Card("denied-girocard", CardProfiles.DefaultGirocard, CardProfiles.Girocard(CardProfiles.DefaultGirocard)));
        _cards.Add(Card("toggled-mastercard", CardProfiles.DefaultMastercard, CardProfiles.Mastercard(CardProfiles.DefaultMastercard)));

        Publish("policy", _backoffice.ChangeList(HttpMethod.Put, "/v1/admin/policy", new FarePolicy { Products = [new Product("student", "Schülerticket")] }));
        Publish("entitlements", _backoffice.ChangeList(HttpMethod.Put, "/v1/admin/entitlements", new[]
        {
            Pass("pass-mastercard", Named("pass-mastercard").Token, new DateOnly(2099, 12, 31)),
            Pass("pass-visa", Named("pass-visa").Token, new DateOnly(2099, 12, 31)),
        }));
        Publish("deny", _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/deny", new[] { Deny(Named("denied-girocard").Token) }));
    }

    private void KillOnce(bool duringStart, TimeSpan delay)
    {
        using var daemon = StartDaemon(out var started);
        _run++;
        if (duringStart)
        {
            var killAt = started + delay;
            if (WaitReady(started, killAt - DateTime.UtcNow) is { } early) RecordReady(early);
            DriveUntil(daemon, killAt, tap: false);
            _stats.KillsDuringStart++;
        }
        else
        {
            var ready = WaitReady(started, Patience);
            if (ready is null) Assert.Fail($"seed {_seed}, run {_run}: no READY within {Patience.TotalSeconds:F0} s; output:\n{daemon.Output}");
            RecordReady(ready!.Value);
            DriveUntil(daemon, DateTime.UtcNow + delay, tap: true);
        }

        var before = _acknowledged.Count;
        var bigPending = _bigChangeVersion > LastApplied("deny");
        daemon.KillHard();
        _stats.Kills++;
        while (daemon.TryNextLine(TimeSpan.Zero, out var line)) Handle(line);
        if (_acknowledged.Count > before) _stats.TapsAcknowledgedJustBeforeKill++;
        if (bigPending) _stats.KillsDuringBigListUpdate++;
        if (_onReader is not null && !_tapSeen)
        {
            // Left on the reader across the restart: what does the next start make of it?
            _stats.KillsWithCardOnReader++;
            _cardsLeftOn.Add(new CardLeftOn(_onReader, _run, LastAcknowledgedSequence()));
        }
        var highestStored = _backoffice.Get($"/v1/admin/devices/{BackofficeProcess.DeviceId}").GetProperty("highestSequence").GetInt64();
        if (LastAcknowledgedSequence() > highestStored) _stats.KillsWithUploadPending++;
        CheckNoPan(daemon.Output);
    }

    private ValidatorProcess StartDaemon(out DateTime started)
    {
        while (_notify.Available > 0) _notify.Receive(new byte[4096]); // what the last daemon said before it was killed
        started = DateTime.UtcNow;
        return ValidatorProcess.Start(["run"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = _config, ["NOTIFY_SOCKET"] = _notifyPath });
    }

    /// <summary>Time from process start to the READY=1 datagram, or null when none came within <paramref name="timeout"/>.</summary>
    private double? WaitReady(DateTime started, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var buffer = new byte[4096];
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;
            if (!_notify.Poll((int)Math.Min(left.TotalMicroseconds, int.MaxValue), SelectMode.SelectRead)) return null;
            var text = Encoding.UTF8.GetString(buffer, 0, _notify.Receive(buffer));
            if (text.Split('\n').Contains("READY=1")) return (DateTime.UtcNow - started).TotalMilliseconds;
        }
    }

    private void RecordReady(double ms)
    {
        _readyMs.Add(ms);
        if (ms > ReadyLimit.TotalMilliseconds)
        {
            _problems.Add($"run {_run}: READY after {ms:F0} ms (limit {ReadyLimit.TotalMilliseconds:F0} ms; load average {File.ReadAllText("/proc/loadavg").Trim()})");
        }
    }

    /// <summary>Serves the daemon's output, taps cards and changes lists until <paramref name="until"/>.</summary>
    private void DriveUntil(ValidatorProcess daemon, DateTime until, bool tap)
    {
        while (true)
        {
            var now = DateTime.UtcNow;
            if (now >= until) return;
            if (tap && _onReader is null && now >= _nextInsert) Insert(_cards[_cardRandom.Next(_cards.Count)]);
            if (tap && now >= _nextListChange)
            {
                ChangeLists();
                _nextListChange = DateTime.UtcNow + TimeSpan.FromMilliseconds(_listRandom.Next(150, 1200));
            }
            var wait = until - DateTime.UtcNow;
            if (daemon.TryNextLine(wait < TimeSpan.FromMilliseconds(20) ? wait : TimeSpan.FromMilliseconds(20), out var line)) Handle(line);
            if (_onReader is not null && (_tapSeen || DateTime.UtcNow - _insertedAt > CardDwellLimit)) RemoveCard();
        }
    }

    private void Insert(TestCard card)
    {
        card.Virtual.Insert();
        _onReader = card;
        _insertedAt = DateTime.UtcNow;
        _tapSeen = false;
    }

    private void RemoveCard()
    {
        _onReader!.Virtual.Remove();
        _onReader = null;
        _nextInsert = DateTime.UtcNow + TimeSpan.FromMilliseconds(_cardRandom.Next(0, 300));
    }

    private void Handle(string line)
    {
        var tap = TapLine().Match(line);
        if (tap.Success)
        {
            var sequence = long.Parse(tap.Groups[1].Value, CultureInfo.InvariantCulture);
            var card = _onReader;
            if (card is not null) _tapSeen = true;
            _lastAnswer = tap.Groups[2].Value;
            if (sequence < 0) return; // not stored: the student was asked to tap again
            _acknowledged.Add(new Acknowledged(sequence, tap.Groups[2].Value, card?.Name ?? "?", _run));
            var left = _cardsLeftOn.LastOrDefault();
            if (left is not null && left.Run == _run - 1 && left.AfterRestart is null && card == left.Card) left.AfterRestart = _acknowledged[^1];
            return;
        }
        var again = ShownAgainLine().Match(line);
        if (again.Success)
        {
            // The card lay on the reader across the kill after its tap was stored: its answer is shown again, nothing stored.
            var sequence = long.Parse(again.Groups[1].Value, CultureInfo.InvariantCulture);
            if (_onReader is not null) _tapSeen = true;
            _lastAnswer = again.Groups[2].Value;
            if (!_acknowledged.Any(a => a.Sequence == sequence)) _acknowledged.Add(new Acknowledged(sequence, again.Groups[2].Value, _onReader?.Name ?? "?", _run));
            var left = _cardsLeftOn.LastOrDefault();
            if (left is not null && left.Run == _run - 1 && left.AfterRestart is null && _onReader == left.Card) left.ShownAgain = sequence;
            return;
        }
        var refused = RefusedLine().Match(line);
        if (refused.Success)
        {
            _stats.ListUpdatesRefused++;
            _stats.LastRefusal = $"{refused.Groups[1].Value}: {refused.Groups[2].Value}";
            return;
        }
        var list = ListLine().Match(line);
        if (list.Success)
        {
            _applied[list.Groups[1].Value].Add(long.Parse(list.Groups[2].Value, CultureInfo.InvariantCulture));
            _stats.ListUpdatesApplied++;
        }
    }

    /// <summary>One change at the back office: deny entries added or removed, entitlements, now and then a few thousand entries at once.</summary>
    private void ChangeLists()
    {
        var roll = _listRandom.NextDouble();
        if (roll < 0.3)
        {
            var toggled = Named("toggled-mastercard").Token;
            Publish("deny", _toggleDenied
                ? _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/deny/remove", new[] { new DenyKey(toggled) })
                : _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/deny", new[] { Deny(toggled) }));
            _toggleDenied = !_toggleDenied;
        }
        else if (roll < 0.55)
        {
            // At most 8 removed at once: more would trip the device's mass-change guard (floor 10), which refuses the update by design.
            if (_extraEntitlements.Count >= 8 || (_extraEntitlements.Count > 0 && _listRandom.NextDouble() < 0.3))
            {
                Publish("entitlements", _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/entitlements/remove", _extraEntitlements.ToArray()));
                _extraEntitlements.Clear();
            }
            else
            {
                var id = $"extra-{++_entitlementCounter}";
                _extraEntitlements.Add(id);
                Publish("entitlements", _backoffice.ChangeList(HttpMethod.Put, "/v1/admin/entitlements", new[]
                {
                    Pass(id, RandomToken(), new DateOnly(2099, 12, 31)),
                    Pass("pass-visa", Named("pass-visa").Token, new DateOnly(2099, 12, 31).AddDays(-_entitlementCounter % 300)),
                }));
            }
        }
        else if (roll < 0.85)
        {
            if (_smallDenies.Count > 200)
            {
                Publish("deny", _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/deny/remove", _smallDenies.ToArray()));
                _smallDenies.Clear();
            }
            else
            {
                var entries = Enumerable.Range(0, 10).Select(_ => Deny(RandomToken())).ToArray();
                _smallDenies.AddRange(entries.Select(e => e.Key));
                Publish("deny", _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/deny", entries));
            }
        }
        else if (roll < 0.9)
        {
            Publish("policy", _backoffice.ChangeList(HttpMethod.Put, "/v1/admin/policy", new FarePolicy
            {
                Products = [new Product("student", "Schülerticket"), new Product($"day-{_listRandom.Next(1000)}", "Tageskarte")],
            }));
        }
        else
        {
            // A big change, so that some kills land while the device downloads or applies it.
            if (_bigSet.Count > 0)
            {
                _bigChangeVersion = _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/deny/remove", _bigSet.ToArray());
                _bigSet.Clear();
            }
            else
            {
                var entries = Enumerable.Range(0, BigChangeEntries).Select(_ => Deny(RandomToken())).ToArray();
                _bigSet.AddRange(entries.Select(e => e.Key));
                _bigChangeVersion = _backoffice.ChangeList(HttpMethod.Post, "/v1/admin/deny", entries);
            }
            Publish("deny", _bigChangeVersion);
            _stats.BigChanges++;
        }
    }

    private void FinalRunAndChecks()
    {
        using var daemon = StartDaemon(out var started);
        _run++;
        var ready = WaitReady(started, Patience);
        if (ready is null) Assert.Fail($"seed {_seed}, final run: no READY within {Patience.TotalSeconds:F0} s; output:\n{daemon.Output}");
        RecordReady(ready!.Value);

        // A card left on the reader by the last kill is served first.
        var deadline = DateTime.UtcNow + Patience;
        while (_onReader is not null && DateTime.UtcNow < deadline) DriveUntil(daemon, DateTime.UtcNow + TimeSpan.FromMilliseconds(100), tap: false);
        if (_onReader is not null) RemoveCard();

        // The lists converge to the back office's latest.
        deadline = DateTime.UtcNow + Patience;
        while (_published.Any(p => LastApplied(p.Key) < p.Value.Max()))
        {
            if (DateTime.UtcNow > deadline)
            {
                _problems.Add($"the lists did not reach the latest versions: {Versions()}; refused updates: {_stats.ListUpdatesRefused} ({_stats.LastRefusal})");
                break;
            }
            if (daemon.TryNextLine(TimeSpan.FromMilliseconds(200), out var line)) Handle(line);
        }

        // A denied card is refused after the last restart; the toggled card follows its last deny state.
        TapAndExpect(daemon, Named("denied-girocard"), reason => reason == FareReasons.Denied, "refused as denied");
        TapAndExpect(daemon, Named("toggled-mastercard"), reason => (reason == FareReasons.Denied) == _toggleDenied,
            _toggleDenied ? "refused as denied" : "not refused as denied");

        // Every acknowledged tap reaches the back office.
        var acknowledgedSequences = _acknowledged.Select(a => a.Sequence).ToHashSet();
        List<JsonElement> stored;
        deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            stored = _backoffice.Taps();
            var storedSequences = stored.Select(t => t.GetProperty("sequence").GetInt64()).ToHashSet();
            if (acknowledgedSequences.IsSubsetOf(storedSequences)) break;
            if (DateTime.UtcNow > deadline)
            {
                _problems.Add($"after {Patience.TotalSeconds:F0} s the back office still misses acknowledged taps {string.Join(", ", acknowledgedSequences.Except(storedSequences).Order().Take(20))}");
                break;
            }
            while (daemon.TryNextLine(TimeSpan.Zero, out var line)) Handle(line);
            Thread.Sleep(200); // polling another process's HTTP API: there is no event to wait on
        }

        daemon.Terminate();
        if (daemon.WaitForExit(Patience) != 0) _problems.Add($"the final run did not stop cleanly:\n{daemon.Output}");
        while (daemon.TryNextLine(TimeSpan.Zero, out var line)) Handle(line);
        CheckNoPan(daemon.Output);
        stored = _backoffice.Taps();
        CheckTaps(stored);
        CheckJournal(stored);
        CheckLists();
    }

    private void TapAndExpect(ValidatorProcess daemon, TestCard card, Func<string, bool> expected, string what)
    {
        _lastAnswer = null;
        Insert(card);
        var deadline = DateTime.UtcNow + Patience;
        while (!_tapSeen && DateTime.UtcNow < deadline)
        {
            if (daemon.TryNextLine(TimeSpan.FromMilliseconds(200), out var line)) Handle(line);
        }
        RemoveCard();
        // The answer logged: a new tap, or (a card put down in the instant between READY and the reader monitor's first
        // look, when it was also the last stored tap) that tap's answer shown again.
        if (_lastAnswer is null) _problems.Add($"the final tap of {card.Name} got no answer");
        else if (!expected(_lastAnswer)) _problems.Add($"after the last restart {card.Name} was {_lastAnswer}, expected {what} (lists inconsistent)");
    }

    private void CheckTaps(List<JsonElement> stored)
    {
        var bySequence = stored.GroupBy(t => t.GetProperty("sequence").GetInt64()).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var twice in bySequence.Where(g => g.Value.Count > 1)) _problems.Add($"sequence {twice.Key} is {twice.Value.Count} times in the back office");
        foreach (var twice in stored.GroupBy(t => t.GetProperty("id").GetString()).Where(g => g.Count() > 1)) _problems.Add($"tap id {twice.Key} is {twice.Count()} times in the back office");
        foreach (var twice in _acknowledged.GroupBy(a => a.Sequence).Where(g => g.Count() > 1))
        {
            _problems.Add($"sequence {twice.Key} was acknowledged {twice.Count()} times (runs {string.Join(", ", twice.Select(a => a.Run))}): the journal reused a sequence");
        }
        foreach (var tap in _acknowledged)
        {
            if (!bySequence.TryGetValue(tap.Sequence, out var there)) _problems.Add($"acknowledged tap {tap.Sequence} ({tap.Reason}, run {tap.Run}) is lost");
            else if (there[0].GetProperty("deviceId").GetString() != BackofficeProcess.DeviceId || there[0].GetProperty("reason").GetString() != tap.Reason)
            {
                _problems.Add($"tap {tap.Sequence}: the daemon said {tap.Reason}, the back office holds {there[0].GetProperty("reason").GetString()}");
            }
        }
        var max = bySequence.Count == 0 ? 0 : bySequence.Keys.Max();
        _stats.Gaps = Enumerable.Range(1, (int)max).Count(s => !bySequence.ContainsKey(s));
        // A gap would be a tap journaled and never uploaded, or a sequence skipped; it cannot be an acknowledged tap (checked above).
        _stats.StoredTaps = stored.Count;
        var acknowledged = _acknowledged.Select(a => a.Sequence).ToHashSet();
        var unacknowledged = stored.Where(t => !acknowledged.Contains(t.GetProperty("sequence").GetInt64())).ToList();
        _stats.StoredNeverAcknowledged = unacknowledged.Count;

        // A card on the reader at the kill: was it journaled by the killed run (stored, never acknowledged) and then again after the restart?
        var unacknowledgedBySequence = unacknowledged.ToDictionary(t => t.GetProperty("sequence").GetInt64());
        foreach (var left in _cardsLeftOn)
        {
            var journaledBeforeKill = left.ShownAgain is not null || unacknowledgedBySequence.Values.Any(t =>
                t.GetProperty("cardToken").GetString() == left.Card.Token.ToString()
                && t.GetProperty("sequence").GetInt64() > left.LastSequenceBeforeKill
                && (left.AfterRestart is null || t.GetProperty("sequence").GetInt64() < left.AfterRestart.Sequence));
            var after = left.ShownAgain is not null ? "its tap shown again, not stored twice" : left.AfterRestart?.Reason ?? "no tap";
            var key = $"{(journaledBeforeKill ? "journaled before the kill" : "not journaled before the kill")}, after the restart: {after}";
            if (journaledBeforeKill && left.ShownAgain is null && left.AfterRestart is not null)
            {
                _problems.Add($"{left.Card.Name} lay on the reader across kill {left.Run} after its tap was stored, and the next start stored it again as tap {left.AfterRestart.Sequence}");
            }
            _stats.CardOnReaderOutcomes[key] = _stats.CardOnReaderOutcomes.GetValueOrDefault(key) + 1;
        }
    }

    private void CheckJournal(List<JsonElement> stored)
    {
        using var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(_data, "journal") });
        if (!journal.OpenReport.Clean) _problems.Add($"the journal did not reopen clean after the final stop: {journal.OpenReport}");
        if (journal.UnsentCount != 0) _problems.Add($"the journal still holds {journal.UnsentCount} unsent taps");
        var highest = stored.Count == 0 ? 0 : stored.Max(t => t.GetProperty("sequence").GetInt64());
        if (journal.LastSequence != highest) _problems.Add($"the journal's last sequence is {journal.LastSequence}, the back office's highest {highest}");
    }

    private void CheckLists()
    {
        foreach (var (list, versions) in _applied)
        {
            var published = _published[list].ToHashSet();
            foreach (var version in versions.Where(v => !published.Contains(v))) _problems.Add($"the device applied {list} version {version}, which the back office never published");
            for (var i = 1; i < versions.Count; i++)
            {
                if (versions[i] <= versions[i - 1]) _problems.Add($"{list} went from version {versions[i - 1]} to {versions[i]}: an applied update was lost in a crash or rolled back");
            }
        }
        using var lists = StoredLists.Open(Path.Combine(_data, "lists.db"), TimeProvider.System);
        var current = lists.Live.Current;
        var onDisk = new Dictionary<string, long> { ["deny"] = current.DenyStamp.Version, ["entitlements"] = current.EntitlementStamp.Version, ["policy"] = current.PolicyStamp.Version };
        foreach (var (list, version) in onDisk)
        {
            if (version != _published[list].Max()) _problems.Add($"lists.db holds {list} version {version}, the back office's latest is {_published[list].Max()}");
        }
        if (current.DenyList.TryMatch(new CardIdentity { Kind = CardKind.Emv, Brand = "", Token = Named("denied-girocard").Token }, out _) is false)
        {
            _problems.Add("lists.db does not deny the denied card");
        }
    }

    private void CheckNoPan(string output)
    {
        if (PanScanner.Find(output).Count > 0) _problems.Add($"run {_run}: a card number in the daemon's log");
    }

    private string Summary(TimeSpan elapsed)
    {
        var ready = _readyMs.Order().ToList();
        double Percentile(double p) => ready.Count == 0 ? 0 : ready[Math.Min(ready.Count - 1, (int)Math.Ceiling(p * ready.Count) - 1)];
        var acknowledged = _acknowledged.Select(a => a.Sequence).ToHashSet();
        var outcomes = string.Join("; ", _stats.CardOnReaderOutcomes.Select(o => $"{o.Value}× {o.Key}"));
        return string.Create(CultureInfo.InvariantCulture, $"""
            crash run seed {_seed}: {_stats.Kills} kills ({_stats.KillsDuringStart} during start-up) in {elapsed:hh\:mm\:ss}
              taps acknowledged {_acknowledged.Count} (distinct sequences {acknowledged.Count}), in the back office {_stats.StoredTaps}, of them never acknowledged {_stats.StoredNeverAcknowledged}; sequence gaps {_stats.Gaps}
              problems (lost, duplicated, inconsistent): {_problems.Count}
              list versions published {_published.Values.Sum(v => v.Count)}, updates applied by the device {_stats.ListUpdatesApplied}, refused {_stats.ListUpdatesRefused}, big changes ({BigChangeEntries} entries) {_stats.BigChanges}
              kills with a big deny change published but not yet applied {_stats.KillsDuringBigListUpdate}; with acknowledged taps not yet uploaded {_stats.KillsWithUploadPending}; right after a tap was acknowledged {_stats.TapsAcknowledgedJustBeforeKill}
              kills with a card on the reader mid-tap {_stats.KillsWithCardOnReader}: {outcomes}
              READY after start: n {ready.Count}, median {Percentile(0.5):F0} ms, p99 {Percentile(0.99):F0} ms, max {(ready.Count == 0 ? 0 : ready[^1]):F0} ms
              lists at the end: {Versions()}
              problems: {string.Join(" | ", _problems.Take(10))}
            """);
    }

    private string Versions() => string.Join(", ", _published.Keys.Select(k => $"{k} {LastApplied(k)}/{_published[k].Max()}"));

    private long LastApplied(string list) => _applied[list].Count == 0 ? 0 : _applied[list][^1];

    private long LastAcknowledgedSequence() => _acknowledged.Count == 0 ? 0 : _acknowledged.Max(a => a.Sequence);

    private void Publish(string list, long version) => _published[list].Add(version);

    private TestCard Named(string name) => _cards.Single(c => c.Name == name);

    private CardToken RandomToken() => CardToken.FromBytes(RandomNumberGenerator.GetBytes(CardToken.Length));

    private static DenyEntry Deny(CardToken token) => new() { Token = token, Reason = DenyReason.Lost, AddedAt = DateTimeOffset.UtcNow };

    private static Entitlement Pass(string id, CardToken token, DateOnly validTo) =>
        new() { Id = id, Token = token, Product = "student", ValidFrom = new DateOnly(2020, 1, 1), ValidTo = validTo };

    private sealed record TestCard(string Name, CardToken Token, VpcdCard Virtual);

    private sealed record Acknowledged(long Sequence, string Reason, string Card, int Run);

    private sealed class CardLeftOn(TestCard card, int run, long lastSequenceBeforeKill)
    {
        public TestCard Card { get; } = card;
        public int Run { get; } = run;
        public long LastSequenceBeforeKill { get; } = lastSequenceBeforeKill;
        public Acknowledged? AfterRestart { get; set; }
        public long? ShownAgain { get; set; }
    }

    private sealed class Stats
    {
        public int Kills { get; set; }
        public int KillsDuringStart { get; set; }
        public int KillsDuringBigListUpdate { get; set; }
        public int KillsWithUploadPending { get; set; }
        public int KillsWithCardOnReader { get; set; }
        public int TapsAcknowledgedJustBeforeKill { get; set; }
        public int ListUpdatesApplied { get; set; }
        public int BigChanges { get; set; }
        public int ListUpdatesRefused { get; set; }
        public string? LastRefusal { get; set; }
        public int Gaps { get; set; }
        public int StoredTaps { get; set; }
        public int StoredNeverAcknowledged { get; set; }
        public Dictionary<string, int> CardOnReaderOutcomes { get; } = new(StringComparer.Ordinal);
    }
}
