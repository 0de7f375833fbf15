using System.Text.Json;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Storage.Journal;
using Validator.Storage.Lists;

namespace Validator.Daemon.Tests;

/// <summary><c>validator status</c>: what the device holds, read without touching the service's files; last 4 digits at most.</summary>
[TestFixture]
public sealed class Status_command
{
    private TechnicianDevice _device = null!;

    [SetUp]
    public void Device() => _device = new TechnicianDevice();

    [TearDown]
    public void Clean() => _device.Dispose();

    private string JournalDirectory => Path.Combine(_device.DataDirectory, "journal");

    [Test]
    public void On_a_fresh_data_directory_it_says_what_is_missing_and_exits_zero()
    {
        var (exit, output) = _device.Run("status");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("no journal yet"));
        Assert.That(output, Does.Contain("recent taps   none"));
        Assert.That(output, Does.Contain("latency       no taps since start"));
        Assert.That(output, Does.Contain("DEGRADED"));
        Assert.That(output, Does.Contain("not provisioned: run 'validator provision'"));
        Assert.That(output, Does.Contain("no lists yet"));
        Assert.That(Directory.GetFileSystemEntries(_device.DataDirectory), Is.Empty, "status creates nothing in the data directory");
    }

    [Test]
    public void A_relative_VALIDATOR_CONFIG_is_the_file_in_the_working_directory()
    {
        File.WriteAllText(_device.ConfigPath, $$"""{ "Device": { "Id": "BUS-RELATIVE", "DataDirectory": "{{_device.DataDirectory}}" } }""");
        var relative = Path.GetRelativePath(_device.Root, _device.ConfigPath);

        // Started elsewhere than the executable's directory, where a relative path must not be looked for.
        using var status = ValidatorProcess.Start(["status", "--json"], new Dictionary<string, string> { ["VALIDATOR_CONFIG"] = relative }, _device.Root);
        var exit = status.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(exit, Is.Zero, status.Output);
        using var report = JsonDocument.Parse(status.Output);
        Assert.That(report.RootElement.GetProperty("deviceId").GetString(), Is.EqualTo("BUS-RELATIVE"));
        Assert.That(report.RootElement.GetProperty("configPath").GetString(), Is.EqualTo(_device.ConfigPath), "the report names the file it read, in full");
    }

    [Test]
    public void Taps_in_the_journal_show_as_queue_depth_and_the_last_ten_with_four_digits_at_most()
    {
        using (var journal = TapJournal.Open(new TapJournalOptions { Directory = JournalDirectory }))
        {
            for (var i = 1; i <= 14; i++) journal.Append(Tap(i));
            journal.Acknowledge(4);
        }

        var (exit, output) = _device.Run("status", "--json");

        Assert.That(exit, Is.Zero, output);
        using var report = JsonDocument.Parse(output);
        var journalStatus = report.RootElement.GetProperty("journal");
        Assert.That(journalStatus.GetProperty("state").GetString(), Is.EqualTo("not in use"));
        Assert.That(journalStatus.GetProperty("lastSequence").GetInt64(), Is.EqualTo(14));
        Assert.That(journalStatus.GetProperty("acknowledgedThrough").GetInt64(), Is.EqualTo(4));
        Assert.That(journalStatus.GetProperty("queueDepth").GetInt64(), Is.EqualTo(10));
        var recent = journalStatus.GetProperty("recent").EnumerateArray().ToList();
        Assert.That(recent.Select(t => t.GetProperty("sequence").GetInt64()), Is.EqualTo(new long[] { 14, 13, 12, 11, 10, 9, 8, 7, 6, 5 }), "the newest ten, newest first");
        Assert.That(recent.Select(t => t.GetProperty("last4").GetString()), Is.All.Length.EqualTo(4));
        Assert.That(recent[0].EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "sequence", "time", "last4", "brand", "decision", "reason" }), "no token, no expiry, no PSN");
        Assert.That(PanScanner.Find(output), Is.Empty);

        var (textExit, text) = _device.Run("status");
        Assert.That(textExit, Is.Zero, text);
        Assert.That(text, Does.Contain("10 tap(s) (last sequence 14, acknowledged through 4)"));
        Assert.That(text.Split('\n').Count(l => l.Contains("Mastercard", StringComparison.Ordinal)), Is.EqualTo(10), "never more than ten taps");
        Assert.That(text, Does.Contain("…0014"));
        Assert.That(text, Does.Not.Contain(Tap(14).CardToken.ToString()), "no token either");
        Assert.That(PanScanner.Find(text), Is.Empty);
    }

    [Test]
    public void While_the_service_holds_the_journal_it_says_so_and_still_counts_the_queue_from_a_copy()
    {
        using var held = TapJournal.Open(new TapJournalOptions { Directory = JournalDirectory });
        for (var i = 1; i <= 3; i++) held.Append(Tap(i));

        var (exit, output) = _device.Run("status");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("journal       held by the running service; read from a copy"));
        Assert.That(output, Does.Contain("3 tap(s) (last sequence 3, acknowledged through 0)"));
        held.Append(Tap(4));
        Assert.That(held.LastSequence, Is.EqualTo(4), "the service's journal was not disturbed");
    }

    [Test]
    public void List_versions_and_ages_are_shown_against_the_policy_also_while_the_store_is_open()
    {
        var listsPath = Path.Combine(_device.DataDirectory, "lists.db");
        using var lists = StoredLists.Open(listsPath, new At(DateTimeOffset.UtcNow.AddDays(-10)));
        lists.ApplyDenySnapshot(5, []);
        lists.ApplyPolicy(2, FarePolicy.Default);

        var (exit, output) = _device.Run("status", "--json");

        Assert.That(exit, Is.Zero, output);
        using var report = JsonDocument.Parse(output);
        var status = report.RootElement.GetProperty("lists");
        Assert.That(status.GetProperty("deny").GetProperty("version").GetInt64(), Is.EqualTo(5));
        Assert.That(status.GetProperty("deny").GetProperty("ageHours").GetDouble(), Is.EqualTo(240).Within(1));
        Assert.That(status.GetProperty("deny").GetProperty("maxAgeHours").GetDouble(), Is.EqualTo(FarePolicy.Default.DenyListMaxAge.TotalHours));
        Assert.That(status.GetProperty("deny").GetProperty("stale").GetBoolean(), Is.True, "10 days against a 7-day limit");
        Assert.That(status.GetProperty("entitlements").GetProperty("version").GetInt64(), Is.Zero);
        Assert.That(status.GetProperty("policy").GetProperty("version").GetInt64(), Is.EqualTo(2));
        Assert.That(report.RootElement.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()), Has.Some.StartsWith("deny list older than the policy allows"));
    }

    private sealed class At(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static TapRecord Tap(int n) => new()
    {
        Id = Guid.CreateVersion7(),
        DeviceId = TechnicianDevice.DeviceId,
        Time = new DateTimeOffset(2026, 11, 28, 7, 30, 0, TimeSpan.FromHours(1)).AddSeconds(n),
        ClockTrusted = true,
        CardToken = new CardToken(0xACE0000000000000UL + (ulong)n, 0xABCD000000000001UL),
        Expiry = "2812",
        Last4 = n.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
        Brand = "Mastercard",
        Decision = "accepted",
        Reason = "entitlement",
        ListVersions = new ListVersions(3, 7, 1),
    };
}
