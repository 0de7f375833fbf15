using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Feedback;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Simulation.Cards;
using Validator.Simulation.Gpio;
using Validator.Storage.Journal;

namespace Validator.Daemon.Tests;

/// <summary>Read, decide, store durably, then show: the order that makes a shown tap a kept tap.</summary>
[TestFixture]
public sealed class The_tap_path
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(3 * i + 1)).ToArray();
    private static readonly CardholderData Student = new("5413330089600010", "2812", 1);
    private static readonly DateTimeOffset SchoolMorning = new(2026, 12, 1, 7, 15, 0, TimeSpan.FromHours(1));

    private static ListSnapshot ListsWithPassFor(CardholderData card) => new(
        DenyList.Empty, new ListStamp(1, SchoolMorning.AddHours(-8)),
        EntitlementIndex.Build([new Entitlement
        {
            Id = "pass-1", Token = new CardTokenizer(Key).ForPan(card.Pan.AsSpan()), Product = "student",
            ValidFrom = new DateOnly(2026, 8, 1), ValidTo = new DateOnly(2027, 7, 31),
        }]),
        new ListStamp(2, SchoolMorning.AddHours(-8)),
        new FarePolicy { Products = [new Product("student", "Schülerticket")] }, new ListStamp(3, SchoolMorning.AddHours(-8)));

    private static TapResult Tap(TapProcessor processor, ICardModel card) =>
        processor.Process(new IsoCardChannel(new SimulatedCardTransport(card)));

    private static TapProcessor Processor(ITapJournal journal, IFeedbackSink feedback) =>
        TapRig.Processor(new CardReader(new CardReaderOptions { TokenKey = Key }, new FixedClock(SchoolMorning)), journal, feedback, ListsWithPassFor(Student), new FixedClock(SchoolMorning));

    [Test]
    public void A_student_with_a_pass_is_stored_before_the_green_light_comes_on()
    {
        var journal = new MemoryJournal();
        var feedback = new RecordingFeedback();
        var shownBeforeStored = -1;
        journal.OnAppend = () => shownBeforeStored = feedback.Events.Count;

        var result = Tap(Processor(journal, feedback), CardProfiles.Mastercard(Student));

        Assert.That(result.Decision.Reason, Is.EqualTo(FareReasons.AcceptedPass));
        Assert.That(shownBeforeStored, Is.Zero, "nothing was shown before the journal write");
        Assert.That(feedback.Events, Is.EqualTo(new[] { "show Accepted" }));
        var stored = journal.Taps.Single();
        Assert.Multiple(() =>
        {
            Assert.That(stored.Decision, Is.EqualTo("Accepted"));
            Assert.That(stored.Reason, Is.EqualTo(FareReasons.AcceptedPass));
            Assert.That(stored.Last4, Is.EqualTo("0010"));
            Assert.That(stored.CardToken, Is.EqualTo(new CardTokenizer(Key).ForPan(Student.Pan.AsSpan())));
            Assert.That(stored.Product, Is.EqualTo("student"));
            Assert.That(stored.Line, Is.EqualTo("110"));
            Assert.That(stored.ListVersions, Is.EqualTo(new ListVersions(1, 2, 3)));
            Assert.That(result.Record, Is.EqualTo(stored));
        });
    }

    [Test]
    public void A_second_tap_inside_the_window_is_already_validated_and_not_chargeable()
    {
        var journal = new MemoryJournal();
        var processor = Processor(journal, new RecordingFeedback());
        var first = Tap(processor, CardProfiles.Mastercard(Student));
        var second = Tap(processor, CardProfiles.Mastercard(Student));
        Assert.That(first.Decision.Outcome, Is.EqualTo(FareOutcome.Accepted));
        Assert.That(second.Decision.Outcome, Is.EqualTo(FareOutcome.AlreadyValidated));
        Assert.That(second.Decision.Chargeable, Is.False);
        Assert.That(second.Signal, Is.EqualTo(TapSignal.AlreadyValidated));
        Assert.That(journal.Taps.Select(t => t.Decision), Is.EqualTo(new[] { "Accepted", "AlreadyValidated" }));
    }

    [Test]
    public void A_card_found_on_the_reader_at_start_that_was_the_last_stored_tap_gets_its_answer_again_and_is_not_stored_twice()
    {
        var journal = new MemoryJournal();
        var feedback = new RecordingFeedback();
        var before = Tap(Processor(journal, feedback), CardProfiles.Mastercard(Student));

        // The process was killed with the card still on the reader; the next start finds it there.
        var again = Processor(journal, feedback).ProcessCardFoundOnReader(new IsoCardChannel(new SimulatedCardTransport(CardProfiles.Mastercard(Student))));

        Assert.That(again.ShownAgain, Is.True);
        Assert.That(again.Record, Is.EqualTo(before.Record));
        Assert.That(again.Decision.Reason, Is.EqualTo(FareReasons.AcceptedPass));
        Assert.That(journal.Taps, Has.Count.EqualTo(1));
        Assert.That(feedback.Events, Is.EqualTo(new[] { "show Accepted", "show Accepted" }));
    }

    [Test]
    public void A_card_found_on_the_reader_at_start_is_an_ordinary_tap_when_another_card_was_stored_last_or_its_tap_is_old()
    {
        var journal = new MemoryJournal();
        var feedback = new RecordingFeedback();
        Tap(Processor(journal, feedback), CardProfiles.Mastercard(Student));

        var otherCard = Processor(journal, feedback).ProcessCardFoundOnReader(new IsoCardChannel(new SimulatedCardTransport(CardProfiles.Visa())));
        Assert.That(otherCard.ShownAgain, Is.False);
        Assert.That(journal.Taps, Has.Count.EqualTo(2));

        Tap(Processor(journal, feedback), CardProfiles.Mastercard(Student));
        var later = new FixedClock(SchoolMorning + TapProcessor.StillOnReaderWindow + TimeSpan.FromSeconds(1));
        var processor = TapRig.Processor(new CardReader(new CardReaderOptions { TokenKey = Key }, later), journal, feedback, ListsWithPassFor(Student), later);
        var old = processor.ProcessCardFoundOnReader(new IsoCardChannel(new SimulatedCardTransport(CardProfiles.Mastercard(Student))));
        Assert.That(old.ShownAgain, Is.False);
        Assert.That(journal.Taps, Has.Count.EqualTo(4));
    }

    [Test]
    public void A_tap_that_cannot_be_stored_asks_for_a_new_tap_and_the_device_reports_out_of_service_until_storage_works()
    {
        var journal = new MemoryJournal { Failure = new IOException("No space left on device") };
        var feedback = new RecordingFeedback();
        var processor = Processor(journal, feedback);

        var failed = Tap(processor, CardProfiles.Mastercard(Student));
        Assert.That(failed.Signal, Is.EqualTo(TapSignal.TapAgain), "a tap that is not stored is never shown as accepted");
        Assert.That(failed.Record, Is.Null);
        Assert.That(failed.JournalError, Does.Contain("No space left"));
        Assert.That(processor.StorageFaulted, Is.True);

        journal.Failure = null;
        var recovered = Tap(processor, CardProfiles.Mastercard(Student));
        Assert.That(recovered.Signal, Is.EqualTo(TapSignal.Accepted), "the failed tap was not counted as a validation");
        Assert.That(feedback.Events, Is.EqualTo(new[] { "show TapAgain", "status OutOfService", "status Ready", "show Accepted" }));
        Assert.That(processor.StorageFaulted, Is.False);
    }

    [Test]
    public void A_pulled_card_is_journaled_as_tap_again_with_no_card_data()
    {
        var journal = new MemoryJournal();
        var result = Tap(Processor(journal, new RecordingFeedback()), CardProfiles.RemovedAfter(CardProfiles.Mastercard(Student), 2));
        Assert.That(result.Signal, Is.EqualTo(TapSignal.TapAgain));
        var stored = journal.Taps.Single();
        Assert.That(stored.Reason, Is.EqualTo(FareReasons.CardRemoved));
        Assert.That(stored.Last4, Is.Null);
        Assert.That(stored.CardToken, Is.EqualTo(default(CardToken)));
    }

    [Test]
    public void With_the_real_journal_and_GPIO_feedback_the_tap_is_on_disk_before_the_first_pin_changes()
    {
        var directory = Directory.CreateTempSubdirectory("validator-tap-path-");
        try
        {
            var driver = new SimulatedGpioDriver();
            var pinChangesAtStore = -1;
            using (var journal = TapJournal.Open(new TapJournalOptions { Directory = directory.FullName }))
            using (var feedback = GpioFeedback.Open(new FeedbackOptions(), driver, new SimulatedPwmChannel()))
            {
                driver.ClearChanges();
                var watched = new WatchedJournal(journal, () => pinChangesAtStore = driver.Changes.Count);
                var result = Tap(Processor(watched, feedback), CardProfiles.Mastercard(Student));
                Assert.That(result.Signal, Is.EqualTo(TapSignal.Accepted));
                Assert.That(driver.Changes, Is.Not.Empty, "the green LED was switched");
                Assert.That(driver.Changes[0].Pin, Is.EqualTo(new FeedbackOptions().GreenPin));
            }
            Assert.That(pinChangesAtStore, Is.Zero, "no pin changed before the journal's durable write returned");

            using (var reopened = TapJournal.Open(new TapJournalOptions { Directory = directory.FullName }))
            {
                Assert.That(reopened.ReadUnsent(10).Select(t => t.Reason), Is.EqualTo(new[] { FareReasons.AcceptedPass }));
            }
            Assert.That(PanScanner.FindInFiles(directory.FullName), Is.Empty);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void A_tap_on_the_real_journal_times_the_disks_sync_as_part_of_its_journal_step()
    {
        var directory = Directory.CreateTempSubdirectory("validator-tap-path-");
        try
        {
            using var journal = TapJournal.Open(new TapJournalOptions { Directory = directory.FullName });
            var processor = Processor(journal, new RecordingFeedback());
            foreach (var _ in Enumerable.Range(0, 3))
            {
                var timings = Tap(processor, CardProfiles.Mastercard(Student)).Timings;
                Assert.That(timings.JournalSync, Is.GreaterThan(TimeSpan.Zero), "fdatasync takes time: the journal's sync was not timed");
                Assert.That(timings.JournalSync, Is.LessThanOrEqualTo(timings.Journal), "the sync is inside the journal step");
                Assert.That(timings.Total, Is.EqualTo(timings.Connect + timings.Read + timings.Decide + timings.Journal + timings.Feedback), "the sync is not counted twice");
            }

            var memory = Tap(Processor(new MemoryJournal(), new RecordingFeedback()), CardProfiles.Mastercard(Student)).Timings;
            Assert.That(memory.JournalSync, Is.EqualTo(TimeSpan.Zero), "a journal that does not sync reports none");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Passes appends through and notes the moment each one returned.</summary>
    private sealed class WatchedJournal(ITapJournal inner, Action afterStore) : ITapJournal
    {
        public TimeSpan LastSyncTime => inner.LastSyncTime;

        public TapRecord Append(TapRecord tap)
        {
            var stored = inner.Append(tap);
            afterStore();
            return stored;
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    }
}
