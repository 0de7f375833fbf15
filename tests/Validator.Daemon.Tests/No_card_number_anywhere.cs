using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Daemon.Demo;
using Validator.Simulation.Cards;
using Validator.Simulation.Clock;
using Validator.Storage.Journal;
using Validator.Testing;

namespace Validator.Daemon.Tests;

/// <summary>
/// Every test card tapped through the real tap path (card read, fare decision, journal), the taps uploaded to the
/// reference back office and the lists synced from it, all in one data directory: then no file there (journal
/// segments, lists.db and its -log file, sync state, the back office's database, its signing key) holds a card number,
/// as digits, inside hex, or BCD-packed as the card sends it.
/// </summary>
[TestFixture]
public sealed class No_card_number_anywhere
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(5 * i + 2)).ToArray();

    [Test]
    public async Task After_taps_uploads_and_list_updates_no_file_holds_a_card_number()
    {
        var directory = Directory.CreateTempSubdirectory("validator-no-pan-");
        try
        {
            var tokenizer = new CardTokenizer(Key);
            var known = PanScanner.KnownTestPans();
            var cards = new List<ICardModel>
            {
                CardProfiles.Mastercard(), CardProfiles.Maestro(), CardProfiles.Visa(), CardProfiles.Girocard(), CardProfiles.PhoneWallet(),
                CardProfiles.Mastercard(new CardholderData("5413330089600010", "2812", 1)),
            };
            cards.AddRange(CardTestData.TraceFiles().Select(f => TraceReplayCard.Load(Path.Combine(CardTestData.Directory, f))));

            int journaled;
            using (var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(directory.FullName, "journal") }))
            {
                await using (var upstream = await DemoUpstream.StartAsync(directory.FullName, journal, CancellationToken.None))
                {
                    // Lists naming the test cards by token: a pass for one, a deny entry for another.
                    await upstream.SeedAsync(
                        new FarePolicy { Products = [new Product("student", "Schülerticket")] },
                        [new Entitlement { Id = "pass-1", Token = tokenizer.ForPan(CardProfiles.DefaultMastercard.Pan.AsSpan()), Product = "student", ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31) }],
                        [new DenyEntry { Token = tokenizer.ForPan(CardProfiles.DefaultVisa.Pan.AsSpan()), Reason = DenyReason.Stolen, AddedAt = DateTimeOffset.UtcNow }],
                        CancellationToken.None);
                    await upstream.Updater.UpdateAsync();
                    Assert.That(upstream.Lists.Live.Current.Entitlements.Count, Is.EqualTo(1), "the lists reached the device");

                    var fares = new FareService(upstream.Lists.Live, new ClockTrustMonitor(TimeProvider.System, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());
                    var processor = new TapProcessor(new CardReader(new CardReaderOptions { TokenKey = Key }), fares, journal, new RecordingFeedback(), DemoUpstream.DeviceId, new TapLocation("110", "Bernburg ZOB"));
                    foreach (var card in cards) processor.Process(new IsoCardChannel(new SimulatedCardTransport(card)));
                    journaled = (int)journal.LastSequence;
                    Assert.That(await upstream.DrainQueueAsync(CancellationToken.None), Is.EqualTo(journaled), "every tap reached the back office");

                    // While everything is open: LiteDB's -log files hold pages not yet checkpointed.
                    Assert.That(PanScanner.FindInFiles(directory.FullName, known), Is.Empty);
                }
            }
            Assert.That(journaled, Is.EqualTo(cards.Count));
            Assert.That(Directory.GetFiles(directory.FullName, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
                Does.Contain("lists.db").And.Contain("backoffice.db"), "the scan covered the device's and the back office's databases");
            Assert.That(PanScanner.FindInFiles(directory.FullName, known), Is.Empty);

            // The scan can fail: a PAN written BCD-packed into a binary file is found.
            var canary = Path.Combine(directory.FullName, "canary.bin");
            File.WriteAllBytes(canary, [0x01, .. Convert.FromHexString(CardProfiles.DefaultGirocard.Pan + "F"), 0x02]);
            Assert.That(PanScanner.FindInFiles(directory.FullName, known), Has.Count.EqualTo(1).And.One.Contains("BCD-packed"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
