using Iot.Device.Card;
using Iot.Device.Card.CreditCardProcessing;
using Validator.Simulation.Cards;

namespace Validator.ApduBench;

/// <summary>What Iot.Device.Card's <see cref="CreditCard.ReadCreditCardInformation"/> got from a card (never the data itself).</summary>
internal static class IotCreditCard
{
    /// <summary>Runs the library's read over <paramref name="card"/> and says which of the needed data it found.</summary>
    public static (string Found, bool Pan) Read(ICardModel card)
    {
        card.Reset();
        var creditCard = new CreditCard(new ModelTransceiver(card), 0, 2); // PC/SC-style: the answer ends with SW1 SW2 only
        try
        {
            creditCard.ReadCreditCardInformation();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ($"threw {ex.GetType().Name}", false);
        }
        var pan = Has(creditCard.Tags, 0x5A) || Has(creditCard.Tags, 0x57);
        var expiry = Has(creditCard.Tags, 0x5F24) || Has(creditCard.Tags, 0x57);
        return ((pan, expiry) switch
        {
            (true, true) => "PAN + expiry yes",
            (true, false) => "PAN yes, expiry no",
            (false, true) => "PAN no, expiry yes",
            _ => "no",
        }, pan);
    }

    private static bool Has(List<Tag> tags, uint tag) => Tag.SearchTag(tags, tag) is { Count: > 0 };

    /// <summary>The library's card channel over a card model, in process: one call is one APDU.</summary>
    private sealed class ModelTransceiver(ICardModel card) : CardTransceiver
    {
        public override uint MaximumReadSize => 256;

        public override uint MaximumWriteSize => 256;

        public override int Transceive(byte targetNumber, ReadOnlySpan<byte> dataToSend, Span<byte> dataFromCard, NfcProtocol protocol)
        {
            var reply = card.Process(dataToSend);
            if (reply.Kind != CardReplyKind.Answer || reply.Bytes.Length > dataFromCard.Length) return -1;
            reply.Bytes.CopyTo(dataFromCard);
            return reply.Bytes.Length;
        }

        public override bool ReselectTarget(byte targetNumber) => true;
    }
}
