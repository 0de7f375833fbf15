using System.Buffers;
using Validator.Testing;
using System.Diagnostics;
using Validator.Core.Cards;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

namespace Validator.Pcsc.Tests;

[TestFixture]
[NonParallelizable]
public sealed class CardChannel_through_pcscd
{
    private MonitorRig _rig = null!;
    private PcscCardConnector _connector = null!;

    [SetUp]
    public void Start()
    {
        PcscStack.RequireEmptyReader();
        _rig = new MonitorRig();
        _rig.Expect("attached");
        _connector = new PcscCardConnector(new PcscCardOptions { ApduTimeout = TimeSpan.FromMilliseconds(500) });
    }

    [TearDown]
    public void Stop()
    {
        _connector.Dispose();
        _rig.Dispose();
    }

    private (VpcdCard Card, PcscCard Connected, IsoCardChannel Channel) Tap(ICardModel model)
    {
        var card = new VpcdCard(model, new VpcdOptions { Port = PcscStack.Port });
        card.Insert();
        var inserted = _rig.Expect("inserted");
        Assert.That(_connector.TryConnect(inserted.Reader, inserted.Atr, out var connected, out var fault, out var detail), Is.True, $"connect: {fault} {detail}");
        return (card, connected!, new IsoCardChannel(connected!));
    }

    [Test]
    public void An_APDU_round_trips_through_pcscd_and_vpcd()
    {
        var (card, connected, channel) = Tap(new TestCards.Echo(TestCards.MifareAtr));
        using (card)
        using (connected)
        {
            var result = channel.Transmit(Hex.Parse("00A404000E325041592E5359532E444446303100"));
            Assert.That(result.Answered, Is.True, result.ToString());
            Assert.That(Hex.Format(result.Response!.Data), Is.EqualTo("0031304644442E5359532E594150320E0004A400"));
            Assert.That(result.Response.StatusWord, Is.EqualTo(0x9000));
            Assert.That(channel.ApduCount, Is.EqualTo(1));
            Assert.That(connected.Atr.ToArray(), Is.EqualTo(TestCards.MifareAtr));
        }
    }

    [Test]
    public void An_APDU_allocates_nothing_on_the_calling_thread_and_each_answer_is_its_own()
    {
        // A tap is a handful of APDUs; each used to allocate a copy of the command, a closure, a delegate, a work item
        // and its event (about 250 bytes), which is a share of every gen-0 collection in a tap storm.
        var (card, connected, _) = Tap(new TestCards.Echo(TestCards.MifareAtr));
        using (card)
        using (connected)
        {
            var command = Hex.Parse("00B2010C04A1A2A3A400");
            var response = new byte[258];
            Span<byte> expected = stackalloc byte[command.Length + 2];
            for (var i = 0; i < 5; i++) Assert.That(connected.Exchange(command, response).Fault, Is.EqualTo(CardFault.None));

            var wrong = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                command[5] = (byte)i; // a different command each time: an answer must not be an earlier one's
                var result = connected.Exchange(command, response);
                command.AsSpan().CopyTo(expected);
                expected[..command.Length].Reverse();
                if (result.Fault != CardFault.None || !response.AsSpan(0, result.Length - 2).SequenceEqual(expected[..command.Length])) wrong++;
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.That(wrong, Is.Zero, "answers that were not the echo of their own command");
            Assert.That(allocated, Is.LessThan(200), "bytes allocated on the calling thread by 200 APDUs");
        }
    }

    [Test]
    public void A_tap_after_a_tap_allocates_no_buffers_and_reads_its_own_card()
    {
        // Each card takes its send and receive buffers from a pool and gives them back when disposed (cleared), and the
        // connector keeps one connect call for every card: the next tap's card reads with the same memory, and must
        // see only its own answers.
        for (var i = 0; i < 3; i++) Exchange(new TestCards.Echo(TestCards.MifareAtr), (byte)i);
        var allocated = Exchange(new TestCards.Echo(TestCards.MifareAtr), 0x42);

        // What is left per card on the calling thread is the card object and its call (144 bytes here): not two fresh
        // buffers, nor a closure and delegate for the connect and the disconnect (1,352 bytes before, 720 with the
        // buffers alone pooled).
        TestContext.Out.WriteLine($"allocated by connect, one APDU and disconnect: {allocated} bytes");
        Assert.That(allocated, Is.LessThan(256), "bytes allocated on the calling thread by one card's connect, APDU and disconnect");

        long Exchange(ICardModel model, byte marker)
        {
            using var card = new VpcdCard(model, new VpcdOptions { Port = PcscStack.Port });
            card.Insert();
            var inserted = _rig.Expect("inserted");
            var response = new byte[258];
            byte[] command = [0x00, 0xB2, 0x01, 0x0C, 0x01, marker, 0x00];
            var (reader, atr) = (inserted.Reader, inserted.Atr);
            var before = GC.GetAllocatedBytesForCurrentThread();
            if (!_connector.TryConnect(reader, atr, out var connected, out var fault, out var detail)) Assert.Fail($"connect: {fault} {detail}");
            var result = connected!.Exchange(command, response);
            connected.Dispose();
            var took = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(response.AsSpan(0, result.Length).ToArray(), Is.EqualTo(new byte[] { 0x00, marker, 0x01, 0x0C, 0x01, 0xB2, 0x00, 0x90, 0x00 }));
            card.Remove();
            _rig.Expect("removed");
            return took;
        }
    }

    [Test]
    public void A_61xx_answer_is_completed_with_GET_RESPONSE()
    {
        var rest = Hex.Parse("0102030405060708090A0B0C0D0E0F10");
        var model = new TestCards.Scripted(TestCards.MifareAtr, command => command[1] switch
        {
            0xB2 => CardReply.Status(0x6110),
            0xC0 when command[4] == 0x10 => CardReply.Answer(rest, 0x9000),
            _ => CardReply.Status(0x6D00),
        });
        var (card, connected, channel) = Tap(model);
        using (card)
        using (connected)
        {
            var result = channel.Transmit(Hex.Parse("00B2010C00"));
            Assert.That(result.Response!.Data, Is.EqualTo(rest));
            Assert.That(result.Response.StatusWord, Is.EqualTo(0x9000));
            Assert.That(channel.ApduCount, Is.EqualTo(2));
            Assert.That(card.ApduCount, Is.EqualTo(2), "the card saw the command and one GET RESPONSE");
        }
    }

    [Test]
    public void A_6Cxx_answer_is_resent_with_the_right_Le()
    {
        var record = Hex.Parse("7006570411223344");
        var model = new TestCards.Scripted(TestCards.MifareAtr, command =>
            command.Length == 5 && command[4] == record.Length ? CardReply.Answer(record, 0x9000) : CardReply.Status((ushort)(0x6C00 | record.Length)));
        var (card, connected, channel) = Tap(model);
        using (card)
        using (connected)
        {
            var result = channel.Transmit(Hex.Parse("00B2010C00"));
            Assert.That(result.Response!.Data, Is.EqualTo(record));
            Assert.That(channel.ApduCount, Is.EqualTo(2));
        }
    }

    [Test]
    public void A_card_pulled_mid_read_is_a_CardRemoved_fault_not_an_exception()
    {
        var answered = 0;
        var model = new TestCards.Scripted(TestCards.MifareAtr, _ => ++answered <= 1 ? CardReply.Status(0x9000) : CardReply.Removed);
        var (card, connected, channel) = Tap(model);
        using (card)
        using (connected)
        {
            Assert.That(channel.Transmit(Hex.Parse("00A4040000")).Answered, Is.True);
            var pulled = channel.Transmit(Hex.Parse("00B2010C00"));
            Assert.That(pulled.Fault, Is.AnyOf(CardFault.CardRemoved, CardFault.TransmissionFailed), pulled.ToString());
            Assert.That(pulled.Detail, Does.StartWith("SCardTransmit: "));
            _rig.Expect("removed");
        }
    }

    [Test]
    public void A_silent_card_times_out_within_the_APDU_timeout()
    {
        var model = new TestCards.Scripted(TestCards.MifareAtr, _ => CardReply.Silence);
        var (card, connected, channel) = Tap(model);
        using (card)
        using (connected)
        {
            var clock = Stopwatch.StartNew();
            var result = channel.Transmit(Hex.Parse("00A4040000"));
            var waited = clock.Elapsed;
            Assert.That(result.Fault, Is.EqualTo(CardFault.Timeout));
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450)).And.LessThan(TimeSpan.FromSeconds(3)));
            Assert.That(channel.Transmit(Hex.Parse("00A4040000")).Fault, Is.EqualTo(CardFault.Timeout), "an abandoned session fails fast");

            // The stuck worker is still inside SCardTransmit with this card's buffers: disposing the card must not give
            // them back to the pool, where the next renter would share them with the native call. (The pool hands
            // out, on this thread, what was given back last: see the check after the next card.)
            var (send, receive) = connected.PooledBuffers;
            connected.Dispose();
            var rented = new[] { ArrayPool<byte>.Shared.Rent(264), ArrayPool<byte>.Shared.Rent(261) };
            Assert.That(rented.Any(a => ReferenceEquals(a, send) || ReferenceEquals(a, receive)), Is.False, "a buffer a stuck call may still write into was handed out");
            foreach (var array in rented) ArrayPool<byte>.Shared.Return(array);
        }
        _rig.Expect("removed");

        // The connector replaced its stuck worker: the next card works, and gives its buffers back when it is done.
        var (next, nextConnected, nextChannel) = Tap(new TestCards.Echo(TestCards.MifareAtr));
        using (next)
        {
            Assert.That(nextChannel.Transmit(Hex.Parse("00CA000000")).Response!.StatusWord, Is.EqualTo(0x9000));
            var nextReceive = nextConnected.PooledBuffers.Receive;
            nextConnected.Dispose();
            var again = ArrayPool<byte>.Shared.Rent(264);
            Assert.That(ReferenceEquals(again, nextReceive), Is.True, "a card that finished in time gives its receive buffer back (the check above can fail)");
            Assert.That(again.AsSpan(0, 264).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "given back cleared");
            ArrayPool<byte>.Shared.Return(again);
        }
    }

    [Test]
    public void A_card_that_answers_one_byte_is_a_malformed_response()
    {
        var model = new TestCards.Scripted(TestCards.MifareAtr, _ => CardReply.Answer([0x6A]));
        var (card, connected, channel) = Tap(model);
        using (card)
        using (connected)
        {
            var result = channel.Transmit(Hex.Parse("00A4040000"));
            Assert.That(result.Fault, Is.EqualTo(CardFault.MalformedResponse).Or.EqualTo(CardFault.TransmissionFailed), result.ToString());
        }
    }

    [Test]
    public void Connecting_to_an_empty_reader_is_a_fault_value()
    {
        Assert.That(_connector.TryConnect(PcscStack.ReaderName, null, out var card, out var fault, out var detail), Is.False);
        Assert.That(card, Is.Null);
        Assert.That(fault, Is.EqualTo(CardFault.CardRemoved).Or.EqualTo(CardFault.TransmissionFailed));
        Assert.That(detail, Does.Contain("SCARD_"));
    }

    [Test]
    public void Retiring_a_stuck_worker_before_the_silent_card_leaves_does_not_bring_the_process_down()
    {
        var model = new TestCards.Scripted(TestCards.MifareAtr, _ => CardReply.Silence);
        var (card, connected, channel) = Tap(model);
        Assert.That(channel.Transmit(Hex.Parse("00A4040000")).Fault, Is.EqualTo(CardFault.Timeout));

        // Retire the stuck worker while its thread is still blocked in SCardTransmit, then let the call return.
        _connector.Dispose();
        _connector = new PcscCardConnector(new PcscCardOptions { ApduTimeout = TimeSpan.FromMilliseconds(500) });
        card.Remove();
        _rig.Expect("removed");
        connected.Dispose();
        card.Dispose();

        var (next, nextConnected, nextChannel) = Tap(new TestCards.Echo(TestCards.MifareAtr));
        using (next)
        using (nextConnected)
        {
            Assert.That(nextChannel.Transmit(Hex.Parse("00CA000000")).Response!.StatusWord, Is.EqualTo(0x9000));
        }
    }
}
