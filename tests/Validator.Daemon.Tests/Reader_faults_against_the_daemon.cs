using System.Diagnostics;
using System.Text.Json;
using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Taps;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

namespace Validator.Daemon.Tests;

/// <summary>
/// The reader stack failing under the running service (<c>validator run</c> as a process, real pcscd + vpcd): pcscd
/// killed mid-read and restarted, the reader gone, a card pulled after every APDU, a card answering garbage or nothing.
/// Each time the student is asked to tap again (or told nothing), never shown a false decision; the device reports
/// itself out of service while it cannot serve, and serves the next tap by itself once the stack is back.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Reader_faults_against_the_daemon
{
    private static readonly byte[] PassUid = [0x2C, 0x7F, 0xB2, 0x8F];

    /// <summary>Recovery times (pcscd serving the reader again → the service shows Ready), for the reliability figures.</summary>
    private static readonly List<double> RecoveryMs = [];

    private static ICardModel Profile(string name) => name == "uid" ? CardProfiles.Mifare(PassUid) : CardProfiles.Create(name);

    private static IEnumerable<TestCaseData> Profiles() =>
        new[] { "mastercard", "visa", "girocard", "uid" }.Select(p => new TestCaseData(p).SetArgDisplayNames(p));

    [SetUp]
    public void EmptyReader() => PcscStack.RequireEmptyReader();

    [OneTimeTearDown]
    public void Report()
    {
        if (RecoveryMs.Count == 0) return;
        var sorted = RecoveryMs.Order().ToList();
        TestContext.Progress.WriteLine($"recovery after pcscd is back: {sorted.Count} times, median {sorted[sorted.Count / 2]:F0} ms, max {sorted[^1]:F0} ms");
    }

    [TestCaseSource(nameof(Profiles))]
    public void A_card_pulled_after_any_APDU_asks_to_tap_again_and_the_next_full_tap_is_accepted_once(string profile)
    {
        using var service = new ServiceOnPcscd(passUids: [PassUid]);
        service.StartWithReader();

        // Pulled after 0, 1, 2, … answered APDUs, until the card answers every APDU the read needs: that tap is the
        // first full one. Every earlier one was interrupted inside the read.
        var pulls = new List<ReaderFaultTap>();
        ReaderFaultTap full;
        while (true)
        {
            var answered = pulls.Count;
            var served = service.Tap(CardProfiles.RemovedAfter(Profile(profile), answered));
            if (!served.Reason.StartsWith("tap-again.", StringComparison.Ordinal))
            {
                full = served;
                Assert.That(served.Apdus, Is.EqualTo(answered), $"a card that answered {answered} APDUs was read in full with {served.Apdus}");
                break;
            }
            pulls.Add(served);
            Assert.That(served.Apdus, Is.EqualTo(answered + 1), $"pulled after {answered}: the read stops at the first unanswered APDU");
            Assert.That(answered, Is.LessThan(40), "a read that never completes");
        }
        var repeat = service.Tap(Profile(profile));
        service.Stop();

        Assert.That(pulls, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (pull, answered) in pulls.Select((p, i) => (p, i)))
            {
                Assert.That(pull.Reason, Is.EqualTo(FareReasons.CardRemoved), $"pulled after {answered} APDUs");
                Assert.That(pull.Signal, Is.EqualTo(nameof(Core.Feedback.TapSignal.TapAgain)), $"pulled after {answered} APDUs");
            }
            var accepted = profile == "uid" ? FareReasons.AcceptedPass : FareReasons.AcceptedPayAsYouGo;
            Assert.That(full.Reason, Is.EqualTo(accepted), "the first full tap after the pulls is a first validation, not a repeat");
            Assert.That(full.Signal, Is.EqualTo(nameof(Core.Feedback.TapSignal.Accepted)));
            Assert.That(repeat.Reason, Is.EqualTo(FareReasons.AlreadyValidated), "the tap after it is a repeat: counted once");
            Assert.That(repeat.Signal, Is.EqualTo(nameof(Core.Feedback.TapSignal.AlreadyValidated)));
        });

        var journal = service.Journal();
        Assert.That(journal, Has.Count.EqualTo(pulls.Count + 2));
        Assert.Multiple(() =>
        {
            foreach (var tap in journal.Take(pulls.Count)) AssertNoCardData(tap, FareReasons.CardRemoved);
            Assert.That(journal.Count(t => t.Decision == nameof(FareOutcome.Accepted)), Is.EqualTo(1), "one validation");
            Assert.That(journal[^1].Decision, Is.EqualTo(nameof(FareOutcome.AlreadyValidated)));
            Assert.That(journal[^2].CardToken, Is.EqualTo(journal[^1].CardToken), "the same card");
        });
        AssertNoPan(service);
    }

    [Test]
    public void Pcscd_killed_mid_read_gives_tap_again_and_out_of_service_and_after_its_restart_the_next_tap_is_served() =>
        KillPcscdMidReadAndRecover(rounds: 3);

    /// <summary>The long version, for the reliability figures (about 2 minutes).</summary>
    [Test]
    [Explicit("long run: 30 kills of pcscd; the normal run has 3")]
    public void Pcscd_killed_mid_read_30_times() => KillPcscdMidReadAndRecover(rounds: 30);

    private static void KillPcscdMidReadAndRecover(int rounds)
    {
        var pcscd = PcscStack.RequireOwned();
        using var service = new ServiceOnPcscd();
        service.StartWithReader();

        var recoveries = new List<ReaderFaultTap>();
        for (var round = 1; round <= rounds; round++)
        {
            var mark = service.Seen.Count;
            var interrupted = TapWhilePcscdIsKilled(service, pcscd);
            Assert.That(interrupted.Reason, Does.StartWith("tap-again."), $"round {round}: the tap under way when pcscd died");
            Assert.That(interrupted.Signal, Is.EqualTo(nameof(Core.Feedback.TapSignal.TapAgain)), $"round {round}");
            service.WaitSince(mark, ServiceOnPcscd.ReaderDetached);
            service.WaitSince(mark, ServiceOnPcscd.OutOfService);
            if (round == 1) AssertStatusSays(service, reachable: false, "pcscd not reachable");

            BringPcscdBack(service, mark);
            recoveries.Add(service.Tap(CardProfiles.Mastercard()));
            Assert.That(service.Seen.Skip(mark).Where(l => l.Contains("Feedback (no GPIO): Accepted", StringComparison.Ordinal)).Count(), Is.AtMost(1),
                $"round {round}: only the tap after the restart may be accepted");
        }
        service.Stop();

        Assert.That(recoveries[0].Reason, Is.EqualTo(FareReasons.AcceptedPayAsYouGo));
        Assert.That(recoveries.Skip(1).Select(t => t.Reason), Is.All.EqualTo(FareReasons.AlreadyValidated), "one validation, the later taps are repeats");
        var journal = service.Journal();
        Assert.That(journal, Has.Count.EqualTo(2 * rounds), "every tap is journaled, the interrupted ones too");
        Assert.Multiple(() =>
        {
            foreach (var tap in journal.Where((_, i) => i % 2 == 0)) AssertNoCardData(tap, tap.Reason);
            Assert.That(journal.Count(t => t.Decision == nameof(FareOutcome.Accepted)), Is.EqualTo(1), "charged once");
        });
        AssertNoPan(service);
    }

    [Test]
    public void With_pcscd_down_at_start_the_service_waits_and_serves_once_pcscd_is_there()
    {
        var pcscd = PcscStack.RequireOwned();
        pcscd.Kill();
        using var service = new ServiceOnPcscd();
        service.Start();
        service.WaitFor("pcscd not reachable after");
        service.WaitSince(0, ServiceOnPcscd.OutOfService);
        Assert.That(service.Seen, Has.None.Contains(ServiceOnPcscd.ReaderAttached));
        AssertStatusSays(service, reachable: false, "pcscd not reachable");

        BringPcscdBack(service, 0);
        var tap = service.Tap(CardProfiles.Visa());
        Assert.That(tap.Reason, Is.EqualTo(FareReasons.AcceptedPayAsYouGo));
        Assert.That(tap.Signal, Is.EqualTo(nameof(Core.Feedback.TapSignal.Accepted)));
        service.Stop();
        Assert.That(service.Journal().Select(t => t.Reason), Is.EqualTo(new[] { FareReasons.AcceptedPayAsYouGo }));
    }

    [Test]
    public void When_the_reader_is_gone_mid_read_the_service_is_out_of_service_until_it_is_back()
    {
        var pcscd = PcscStack.RequireOwned();
        using var service = new ServiceOnPcscd();
        service.StartWithReader();

        var mark = service.Seen.Count;
        var interrupted = TapWhilePcscdIsKilled(service, pcscd);
        Assert.That(interrupted.Reason, Does.StartWith("tap-again."));
        using (var readerless = new PcscdProcess(PcscStack.Port, withVirtualReader: false))
        {
            // pcscd comes back without the reader: the service has pcscd again but nothing to read cards with.
            readerless.Start(TimeSpan.FromSeconds(15));
            service.WaitSince(mark, "PC/SC service is back after");
            AssertStatusSays(service, reachable: true, "no card reader");
            // From the reader's detachment on: lines before it may still be start-up ones read only after the mark.
            service.WaitSince(mark, ServiceOnPcscd.ReaderDetached);
            var detached = service.Seen.FindIndex(mark, l => l.Contains(ServiceOnPcscd.ReaderDetached, StringComparison.Ordinal));
            var statuses = service.Seen.Skip(detached).Where(l => l.Contains("Device status (no GPIO):", StringComparison.Ordinal)).ToList();
            Assert.That(statuses, Is.Not.Empty.And.All.Contains(ServiceOnPcscd.OutOfService), "out of service since the kill, with pcscd back but no reader");
            Assert.That(service.Seen.Skip(detached), Has.None.Contains(ServiceOnPcscd.ReaderAttached));
            readerless.Kill();
        }

        BringPcscdBack(service, mark);
        var tap = service.Tap(CardProfiles.Girocard());
        Assert.That(tap.Reason, Is.EqualTo(FareReasons.AcceptedPayAsYouGo));
        service.Stop();
        var journal = service.Journal();
        Assert.That(journal.Select(t => t.Decision), Is.EqualTo(new[] { nameof(FareOutcome.TapAgain), nameof(FareOutcome.Accepted) }));
        AssertNoCardData(journal[0], journal[0].Reason);
    }

    [Test]
    public void A_card_answering_garbage_or_nothing_asks_to_tap_again_within_the_APDU_timeout_and_leaks_no_thread()
    {
        const int apduTimeoutMs = 300;
        const int silentTaps = 20;
        using var service = new ServiceOnPcscd(apduTimeoutMs);
        service.StartWithReader();
        // A first full tap, so the figures below are taken with every part of the tap path already running.
        var first = service.Tap(CardProfiles.Mastercard());
        Assert.That(first.Reason, Is.EqualTo(FareReasons.AcceptedPayAsYouGo));
        var threadsBefore = service.ProcStatus("Threads");
        var filesBefore = service.OpenFiles();

        var garbage = service.Tap(CardProfiles.Garbage());
        Assert.That(garbage.Reason, Is.EqualTo(FareReasons.ReadError));
        Assert.That(garbage.Signal, Is.EqualTo(nameof(Core.Feedback.TapSignal.TapAgain)));

        var silent = new List<ReaderFaultTap>();
        for (var i = 0; i < silentTaps; i++)
        {
            // Silent from the first command up to before the last: the timeout strikes at every step of the read.
            silent.Add(service.Tap(CardProfiles.SilentAfter(CardProfiles.Mastercard(), i % first.Apdus)));
        }
        var threadsAfter = service.ProcStatus("Threads");
        var filesAfter = service.OpenFiles();
        var next = service.Tap(CardProfiles.Visa());
        service.Stop();

        Assert.Multiple(() =>
        {
            foreach (var (tap, i) in silent.Select((t, i) => (t, i)))
            {
                Assert.That(tap.Reason, Is.EqualTo(FareReasons.Timeout), $"silent tap {i}");
                Assert.That(tap.Signal, Is.EqualTo(nameof(Core.Feedback.TapSignal.TapAgain)), $"silent tap {i}");
                // Connect and the answered APDUs take a few ms each; the silent one costs the APDU timeout, once.
                Assert.That(tap.MsFromCardPresent, Is.LessThan(apduTimeoutMs + 1000), $"silent tap {i}");
            }
            Assert.That(next.Reason, Is.EqualTo(FareReasons.AcceptedPayAsYouGo), "the next card after the silent ones");
            // One blocked PC/SC call per silent card would add 20 threads and 20 sockets; each ends when its card leaves.
            Assert.That(threadsAfter - threadsBefore, Is.LessThan(silentTaps / 2), $"threads {threadsBefore} → {threadsAfter}");
            Assert.That(filesAfter - filesBefore, Is.LessThan(silentTaps / 2), $"open files {filesBefore} → {filesAfter}");
        });
        TestContext.Progress.WriteLine($"{silentTaps} silent taps: threads {threadsBefore} → {threadsAfter}, open files {filesBefore} → {filesAfter}, "
            + $"tap again after {silent.Min(t => t.MsFromCardPresent):F0}–{silent.Max(t => t.MsFromCardPresent):F0} ms (APDU timeout {apduTimeoutMs} ms)");

        var journal = service.Journal();
        Assert.That(journal, Has.Count.EqualTo(silentTaps + 3));
        Assert.Multiple(() =>
        {
            AssertNoCardData(journal[1], FareReasons.ReadError);
            foreach (var tap in journal.Skip(2).Take(silentTaps)) AssertNoCardData(tap, FareReasons.Timeout);
        });
        AssertNoPan(service);
    }

    /// <summary>
    /// Puts a card on the reader that takes 150 ms per answer and kills pcscd (SIGKILL) once it has answered two APDUs, so
    /// the kill lands inside the read (a full read takes four or more). Returns the service's answer.
    /// </summary>
    private static ReaderFaultTap TapWhilePcscdIsKilled(ServiceOnPcscd service, PcscdProcess pcscd)
    {
        using var answered = new SemaphoreSlim(0);
        using var card = new VpcdCard(CardProfiles.Mastercard(), new VpcdOptions { Port = PcscStack.Port, ApduDelay = TimeSpan.FromMilliseconds(150) });
        card.CommandProcessed += (_, _) => answered.Release();
        card.Insert();
        for (var i = 0; i < 2; i++) Assert.That(answered.Wait(ServiceOnPcscd.Patience), Is.True, "the service did not read the card");
        pcscd.Kill();
        var served = service.NextTap();
        // pcscd relays the answers: it may die with the second one on its way, or with the third command in the card.
        Assert.That(served.Apdus, Is.GreaterThanOrEqualTo(2), "the read had begun when pcscd died");
        return served;
    }

    /// <summary>Starts the test's pcscd again and waits until the service shows Ready; notes how long that took.</summary>
    private static void BringPcscdBack(ServiceOnPcscd service, int mark)
    {
        var started = Stopwatch.StartNew();
        PcscStack.Restart();
        service.WaitSince(mark, "PC/SC service is back after");
        service.WaitSince(mark, ServiceOnPcscd.ReaderAttached);
        // The service set Ready after the outage: the last status it logged since the mark.
        while (service.Seen.Skip(mark).LastOrDefault(l => l.Contains("Device status (no GPIO):", StringComparison.Ordinal)) is not { } last
            || !last.Contains(ServiceOnPcscd.Ready, StringComparison.Ordinal))
        {
            service.WaitFor("Device status (no GPIO):");
        }
        lock (RecoveryMs) RecoveryMs.Add(started.Elapsed.TotalMilliseconds);
    }

    private static void AssertStatusSays(ServiceOnPcscd service, bool reachable, string degraded)
    {
        using var status = service.Status();
        var reader = status.RootElement.GetProperty("reader");
        Assert.That(reader.GetProperty("reachable").GetBoolean(), Is.EqualTo(reachable), reader.ToString());
        Assert.That(reader.GetProperty("readers").GetArrayLength(), Is.Zero, reader.ToString());
        Assert.That(status.RootElement.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()), Has.Some.StartsWith(degraded));
    }

    private static void AssertNoCardData(TapRecord tap, string reason)
    {
        Assert.That(tap.Reason, Is.EqualTo(reason), $"tap {tap.Sequence}");
        Assert.That(tap.Decision, Is.EqualTo(nameof(FareOutcome.TapAgain)), $"tap {tap.Sequence}");
        Assert.That(tap.CardToken, Is.EqualTo(default(CardToken)), $"tap {tap.Sequence} carries a card token");
        Assert.That(tap.Last4, Is.Null, $"tap {tap.Sequence} carries digits of the card number");
        Assert.That(tap.Expiry, Is.Null, $"tap {tap.Sequence} carries the expiry");
        Assert.That(tap.Psn, Is.Null, $"tap {tap.Sequence} carries the PSN");
    }

    private static void AssertNoPan(ServiceOnPcscd service)
    {
        Assert.That(PanScanner.Find(service.Process.Output), Is.Empty, "a PAN in the service's log");
        Assert.That(PanScanner.FindInFiles(service.DataDirectory), Is.Empty, "a PAN in the service's files");
    }
}
