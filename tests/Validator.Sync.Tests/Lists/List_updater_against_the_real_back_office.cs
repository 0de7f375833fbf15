using System.Net.Http.Json;
using System.Security.Cryptography;
using Validator.Backoffice;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Sync.Lists;

namespace Validator.Sync.Tests.Lists;

public sealed class List_updater_against_the_real_back_office
{
    private static readonly DateTimeOffset Added = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private TestBackoffice _backoffice = null!;
    private ListRig _device = null!;

    [SetUp]
    public async Task Start()
    {
        _backoffice = await TestBackoffice.StartAsync();
        _device = new ListRig();
    }

    [TearDown]
    public async Task Stop()
    {
        _device.Dispose();
        await _backoffice.DisposeAsync();
    }

    private static DenyEntry Deny(int card) => new() { Token = TestTaps.Token(card), Reason = DenyReason.Stolen, AddedAt = Added };

    private static Entitlement Pass(int card) => new()
    {
        Id = "pass-" + card,
        Token = TestTaps.Token(card),
        Product = "student-pass",
        ValidFrom = new DateOnly(2026, 9, 1),
        ValidTo = new DateOnly(2027, 7, 31),
    };

    private static ListUpdateReport Report(IReadOnlyList<ListUpdateReport> reports, ListKind kind) => reports.Single(r => r.List == kind);

    private async Task PublishPolicy()
    {
        var policy = new FarePolicy { Products = [new Product("student-pass", "Schülerticket")] };
        using var response = await _backoffice.Admin.PutAsJsonAsync("/v1/admin/policy", policy, SyncJsonContext.Default.FarePolicy);
        response.EnsureSuccessStatusCode();
    }

    [Test]
    public async Task Lists_are_downloaded_verified_and_put_in_service_then_kept_current_by_deltas()
    {
        await PublishPolicy();
        await _backoffice.PutEntitlementsAsync(Pass(1), Pass(2));
        await _backoffice.AddDenyAsync(Deny(7));
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem);

        var first = await updater.UpdateAsync();
        var again = await updater.UpdateAsync();
        var v2 = await _backoffice.AddDenyAsync(Deny(8));
        var delta = await updater.UpdateAsync();

        Assert.That(first.Select(r => r.Outcome), Is.All.EqualTo(ListUpdateOutcome.Applied));
        Assert.That(again.Select(r => r.Outcome), Is.All.EqualTo(ListUpdateOutcome.UpToDate));
        Assert.That(Report(delta, ListKind.Deny), Is.EqualTo(new ListUpdateReport(ListKind.Deny, ListUpdateOutcome.Applied, v2 - 1, v2)));
        var live = _device.Lists.Live.Current;
        Assert.That(live.DenyList.Contains(Deny(7).Key) && live.DenyList.Contains(Deny(8).Key), Is.True);
        Assert.That(live.Entitlements.TryGet("pass-2", out _), Is.True);
        Assert.That(live.IsKnownProduct("student-pass"), Is.True);
        Assert.That(updater.LastProblem, Is.Null);
    }

    [Test]
    public async Task A_back_office_that_has_published_nothing_yet_leaves_the_device_current_without_a_problem()
    {
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem);

        var reports = await updater.UpdateAsync();

        Assert.That(reports.Select(r => r.Outcome), Is.All.EqualTo(ListUpdateOutcome.UpToDate));
        Assert.That(updater.LastProblem, Is.Null);
    }

    [Test]
    public async Task A_device_too_far_behind_gets_a_snapshot_that_replaces_its_list()
    {
        await using var strict = await TestBackoffice.StartAsync(o => o.MaxDeltaChanges = 2);
        await strict.AddDenyAsync(Deny(1));
        var updater = _device.Updater(strict.Url, strict.Running.PublicKeyPem);
        await updater.UpdateAsync();
        using (var r = await strict.Admin.PostAsJsonAsync("/v1/admin/deny/remove", new[] { Deny(1).Key }, Backoffice.BackofficeJsonContext.Default.DenyKeyArray)) r.EnsureSuccessStatusCode();
        for (var i = 2; i <= 5; i++) await strict.AddDenyAsync(Deny(i));

        var report = Report(await updater.UpdateAsync(), ListKind.Deny);

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Applied));
        Assert.That(report.VersionAfter, Is.EqualTo(6));
        var deny = _device.Lists.Live.Current.DenyList;
        Assert.That(deny.Count, Is.EqualTo(4));
        Assert.That(deny.Contains(Deny(1).Key), Is.False, "the snapshot no longer has the removed entry");
    }

    [Test]
    public async Task A_package_signed_by_another_key_is_refused_and_the_old_lists_stay_in_service()
    {
        await _backoffice.AddDenyAsync(Deny(1));
        await _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem).UpdateAsync();
        await _backoffice.AddDenyAsync(Deny(2));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var before = _device.Lists.Live.Current;

        var updater = _device.Updater(_backoffice.Url, otherKey.ExportSubjectPublicKeyInfoPem());
        var report = Report(await updater.UpdateAsync(), ListKind.Deny);

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(report.Problem, Does.Contain("signature"));
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before));
        Assert.That(updater.LastProblem, Does.Contain("signature"));
    }

    [Test]
    public async Task A_back_office_that_went_back_to_an_older_version_is_refused_as_a_rollback()
    {
        for (var i = 1; i <= 5; i++) await _backoffice.AddDenyAsync(Deny(i));
        await _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem).UpdateAsync();
        // The same signing key, but a database restored from an old backup: version 2.
        await using var restored = await TestBackoffice.StartAsync(key: _backoffice.Key);
        await restored.AddDenyAsync(Deny(1));
        await restored.AddDenyAsync(Deny(99));
        var before = _device.Lists.Live.Current;

        var report = Report(await _device.Updater(restored.Url, restored.Running.PublicKeyPem).UpdateAsync(), ListKind.Deny);

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(report.Problem, Does.Contain("rollback"));
        Assert.That(_device.Lists.Live.Current.DenyStamp.Version, Is.EqualTo(5));
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before));
    }

    [Test]
    public async Task An_expired_package_is_refused_and_the_old_lists_stay_in_service()
    {
        await _backoffice.AddDenyAsync(Deny(1));
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem);
        await updater.UpdateAsync();
        await _backoffice.AddDenyAsync(Deny(2));
        var before = _device.Lists.Live.Current;
        _device.Clock.Advance(TimeSpan.FromDays(8)); // packages are valid for 7 days after they are built

        var report = Report(await updater.UpdateAsync(), ListKind.Deny);

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(report.Problem, Does.Contain("expired"));
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before));
    }

    [Test]
    public async Task A_device_clock_that_booted_in_the_past_cannot_make_an_expired_package_pass()
    {
        await _backoffice.AddDenyAsync(Deny(1));
        await _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem).UpdateAsync();
        await _backoffice.AddDenyAsync(Deny(2));
        var before = _device.Lists.Live.Current;
        // No RTC: the clock says 1970, but the device knew the right time eight days after the package was built.
        var bootClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(1970, 1, 1, 0, 0, 10, TimeSpan.Zero));
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem, clock: bootClock);
        updater.ClockTrust = new Core.Clock.ClockTrustMonitor(bootClock, new NotSynchronised(), new KnownTime(DateTimeOffset.UtcNow.AddDays(8)));

        var report = Report(await updater.UpdateAsync(), ListKind.Deny);

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(report.Problem, Does.Contain("expired"));
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before));
    }

    private sealed class NotSynchronised : Core.Clock.IClockSyncSource
    {
        public bool IsSynchronized => false;
    }

    private sealed class KnownTime(DateTimeOffset time) : Core.Clock.ILastTrustedTime
    {
        public DateTimeOffset? Load() => time;

        public void Save(DateTimeOffset saved) => throw new InvalidOperationException("the updater only reads the clock");
    }

    [Test]
    public async Task A_deny_change_that_would_block_many_entitled_students_is_refused_and_a_small_one_passes()
    {
        await _backoffice.PutEntitlementsAsync(Enumerable.Range(1, 100).Select(Pass).ToArray());
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem);
        await updater.UpdateAsync();
        var before = _device.Lists.Live.Current;
        var mass = await _backoffice.AddDenyAsync(Enumerable.Range(1, 30).Select(Deny).ToArray());

        var refused = Report(await updater.UpdateAsync(), ListKind.Deny);

        Assert.That(refused.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(refused.Problem, Does.Contain("mass-change guard").And.Contain("30 of 100"));
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before));

        // The back office corrects the mistake; what is left is a small change, which goes through.
        using (var r = await _backoffice.Admin.PostAsJsonAsync("/v1/admin/deny/remove", Enumerable.Range(6, 25).Select(i => Deny(i).Key).ToArray(), BackofficeJsonContext.Default.DenyKeyArray))
            r.EnsureSuccessStatusCode();
        var applied = Report(await updater.UpdateAsync(), ListKind.Deny);

        Assert.That(applied.Outcome, Is.EqualTo(ListUpdateOutcome.Applied), applied.Problem);
        Assert.That(applied.VersionAfter, Is.EqualTo(mass + 1));
        Assert.That(_device.Lists.Live.Current.DenyList.Count, Is.EqualTo(5));
    }

    [Test]
    public async Task An_entitlement_change_that_drops_most_passes_is_refused()
    {
        await _backoffice.PutEntitlementsAsync(Enumerable.Range(1, 50).Select(Pass).ToArray());
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem);
        await updater.UpdateAsync();
        using (var r = await _backoffice.Admin.PostAsJsonAsync("/v1/admin/entitlements/remove", Enumerable.Range(1, 40).Select(i => "pass-" + i).ToArray(), BackofficeJsonContext.Default.StringArray))
            r.EnsureSuccessStatusCode();

        var report = Report(await updater.UpdateAsync(), ListKind.Entitlements);

        Assert.That(report.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(_device.Lists.Live.Current.Entitlements.Count, Is.EqualTo(50));
    }

    [Test]
    public async Task A_package_damaged_on_the_way_is_refused_by_its_signature_and_nothing_of_it_is_applied()
    {
        await _backoffice.AddDenyAsync(Deny(1));
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem, o => o.MaxRetries = 0);
        await updater.UpdateAsync();
        var before = _device.Lists.Live.Current;
        await _backoffice.AddDenyAsync(Enumerable.Range(2, 300).Select(Deny).ToArray());
        await _backoffice.SetChaosAsync(new ChaosRequest { Endpoint = "lists", CorruptBody = true, Count = 3 });

        var reports = await updater.UpdateAsync();

        Assert.That((await _backoffice.ChaosStateAsync()).Applied, Is.EqualTo(3), "every list answer was damaged");
        var deny = Report(reports, ListKind.Deny);
        Assert.That(deny.Outcome, Is.EqualTo(ListUpdateOutcome.Refused));
        Assert.That(deny.Problem, Does.Contain("signature"));
        Assert.That(_device.Lists.Live.Current.DenyStamp, Is.EqualTo(before.DenyStamp));
        Assert.That(_device.Lists.Live.Current.DenyList.Count, Is.EqualTo(1));
        Assert.That(Directory.GetFiles(_device.Options!.StateDirectory, "*.download"), Is.Empty, "the downloaded file is deleted");
    }

    [Test]
    public async Task A_download_cut_off_half_way_fails_and_nothing_of_it_is_applied_then_the_next_round_applies_it()
    {
        await _backoffice.AddDenyAsync(Deny(1));
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem, o => o.MaxRetries = 0);
        await updater.UpdateAsync();
        var before = _device.Lists.Live.Current;
        var v2 = await _backoffice.AddDenyAsync(Enumerable.Range(2, 300).Select(Deny).ToArray());
        await _backoffice.SetChaosAsync(new ChaosRequest { Endpoint = "lists", CutBody = true, Count = 3 });

        var cut = await updater.UpdateAsync();
        var afterCut = _device.Lists.Live.Current;
        var next = await updater.UpdateAsync();

        var deny = Report(cut, ListKind.Deny);
        Assert.That(deny.Outcome, Is.EqualTo(ListUpdateOutcome.Failed));
        Assert.That(deny.Problem, Does.Contain("cut off"));
        Assert.That(afterCut.DenyStamp, Is.EqualTo(before.DenyStamp));
        Assert.That(afterCut.DenyList.Count, Is.EqualTo(1));
        Assert.That(Report(next, ListKind.Deny), Is.EqualTo(new ListUpdateReport(ListKind.Deny, ListUpdateOutcome.Applied, v2 - 1, v2)));
        Assert.That(_device.Lists.Live.Current.DenyList.Count, Is.EqualTo(301));
    }

    [Test]
    public async Task With_the_back_office_unreachable_the_update_fails_and_the_lists_stay()
    {
        await _backoffice.AddDenyAsync(Deny(1));
        var updater = _device.Updater(_backoffice.Url, _backoffice.Running.PublicKeyPem, o => o.MaxRetries = 0);
        await updater.UpdateAsync();
        var before = _device.Lists.Live.Current;
        await _backoffice.StopAsync();

        var reports = await updater.UpdateAsync();

        Assert.That(reports.Select(r => r.Outcome), Is.All.EqualTo(ListUpdateOutcome.Failed));
        Assert.That(_device.Lists.Live.Current, Is.SameAs(before));
    }
}
