using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards;

/// <summary>Cards that chain answers oddly, or never stop: the channel and the reader end every exchange.</summary>
public class Limits_and_chaining
{
    private sealed class ScriptedCard(Func<byte[], CardReply> answer) : ICardModel
    {
        public byte[] Atr { get; } = Hex.Parse("3B8001018080");

        public int Commands { get; private set; }

        public void Reset()
        {
        }

        public CardReply Process(ReadOnlySpan<byte> command)
        {
            Commands++;
            return answer(command.ToArray());
        }
    }

    [Test]
    public void A_6Cxx_answer_to_GET_RESPONSE_is_followed_by_GET_RESPONSE_with_that_length()
    {
        var data = Hex.Parse("0102030405060708");
        var card = new ScriptedCard(c => (c[1], c[4]) switch
        {
            (0xB2, _) => CardReply.Status(0x6110),
            (0xC0, 0x10) => CardReply.Status(0x6C08),
            (0xC0, 0x08) => CardReply.Answer(data, 0x9000),
            _ => CardReply.Status(0x6D00),
        });
        var channel = new IsoCardChannel(new SimulatedCardTransport(card));

        var result = channel.Transmit(Hex.Parse("00B2010C00"));

        Assert.That(result.Response?.Data, Is.EqualTo(data), result.ToString());
        Assert.That(channel.ApduCount, Is.EqualTo(3));
    }

    [Test]
    public void A_card_whose_records_never_complete_the_read_is_stopped_after_a_bounded_number_of_APDUs()
    {
        // PPSE naming the Mastercard AID, its FCI, a GPO answer whose AFL asks for records 1..255 of SFI 1, and records
        // that never carry a PAN: a buggy card (or a phone emulating one) that would otherwise keep the tap busy forever.
        var card = new ScriptedCard(c => c[1] switch
        {
            0xA4 when c[4] == 0x0E => CardReply.Answer(Hex.Parse("6F23840E325041592E5359532E4444463031A511BF0C0E610C4F07A0000000041010870101"), 0x9000),
            0xA4 => CardReply.Answer(Hex.Parse("6F178407A0000000041010A50C500A4D415354455243415244"), 0x9000),
            0xA8 => CardReply.Answer(Hex.Parse("770A82021980940408 01FF00"), 0x9000),
            0xB2 => CardReply.Answer(Hex.Parse("70059F08020002"), 0x9000),
            _ => CardReply.Status(0x6D00),
        });
        var reader = new CardReader(Tap.Options());

        var result = reader.Read(new IsoCardChannel(new SimulatedCardTransport(card)));

        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed), $"{result.Reason} {result.Detail} after {card.Commands} commands");
        Assert.That(result.Reason, Is.EqualTo(CardReadReason.MalformedAnswer));
        Assert.That(card.Commands, Is.LessThanOrEqualTo(64 + 1), "one read sends a bounded number of APDUs");
    }
}
