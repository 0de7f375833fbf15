using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards;

public class UidReadTests
{
    [Test]
    public void A_uid_card_is_read_the_same_on_every_tap()
    {
        var first = Tap.Read(CardProfiles.Mifare([0x04, 0x1F, 0x5B, 0x92, 0xDA, 0x2C, 0x80], 0x0003));
        var second = Tap.Read(CardProfiles.Mifare([0x04, 0x1F, 0x5B, 0x92, 0xDA, 0x2C, 0x80], 0x0003));
        Assert.That(first.Identity?.Token, Is.EqualTo(second.Identity?.Token));
        Assert.That(first.Identity?.Token, Is.Not.EqualTo(Tap.Read(CardProfiles.Mifare([0x04, 0x14, 0x59, 0x92, 0xDA, 0x2C, 0x80], 0x0003)).Identity?.Token));
    }

    [Test]
    public void A_random_uid_is_not_an_identity()
    {
        var result = Tap.Read(CardProfiles.Mifare([0x08, 0x2C, 0x37, 0x6F]));
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.NotSupported));
        Assert.That(result.Reason, Is.EqualTo(CardReadReason.UnknownCard));
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(11)]
    public void A_uid_of_no_iso_size_is_a_malformed_answer(int length)
    {
        var result = Tap.Read(CardProfiles.Mifare(Enumerable.Repeat((byte)0x04, length).ToArray()));
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed));
        Assert.That(result.Reason, Is.EqualTo(CardReadReason.MalformedAnswer));
    }

    [Test]
    public void The_recorded_desfire_uid_is_read_after_the_emv_attempts_find_nothing()
    {
        // A DESFire is ISO 14443-4, so its ATR does not rule EMV out: PPSE and the AID list come first (getuid.json entry
        // desfire-ev1-uid-from-getversion gives the UID).
        var uid = Hex.Parse("041F5B92DA2C80");
        var card = new TraceReplayCard([], Hex.Parse("3B8180018080"), uid);
        var result = Tap.Read(card, null, out var recorder);
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.Identified), result.Detail);
        Assert.That(result.Identity!.Brand, Is.EqualTo("MIFARE DESFire"));
        Assert.That(result.Identity.Token, Is.EqualTo(new CardTokenizer(Tap.Key).ForUid(uid)));
        Assert.That(recorder.Steps()[^1], Is.EqualTo("GET UID"));
        Assert.That(result.ApduCount, Is.EqualTo(1 + SupportedApplication.Defaults.Count + 1));
    }

    [Test]
    public void The_recorded_ultralight_get_uid_answer_gives_its_uid_token()
    {
        using var doc = CardTestData.Load("getuid.json");
        var entry = doc.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetString() == "acr122u-ultralight-getuid");
        var answer = Hex.Parse(entry.GetProperty("exchanges")[0].GetProperty("r").GetString()!);
        var uid = Hex.Parse(entry.GetProperty("expect").GetProperty("uid").GetString()!);
        var card = new TraceReplayCard([], ContactlessAtr.StorageCard(0x03, 0x0003), answer[..^2]);

        var result = Tap.Read(card);
        Assert.That(result.Identity?.Token, Is.EqualTo(new CardTokenizer(Tap.Key).ForUid(uid)));
        Assert.That(result.Identity?.Brand, Is.EqualTo("MIFARE Ultralight"));
    }
}
