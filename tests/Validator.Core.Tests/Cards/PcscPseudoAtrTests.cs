using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards;

public class PcscPseudoAtrTests
{
    public static IEnumerable<TestCaseData> NamedStorageCards()
    {
        using var doc = CardTestData.Load("atrs.json");
        foreach (var entry in doc.RootElement.GetProperty("groups").GetProperty("pcsc_part3_pseudo_atr").EnumerateArray())
        {
            var pattern = entry.GetProperty("atr").GetString()!.Split(' ');
            var description = entry.GetProperty("description")[0].GetString()!;
            if (pattern.Length != 20 || !description.EndsWith("(as per PCSC std part3)", StringComparison.Ordinal)) continue;
            if (pattern[13] == ".." || pattern[14] == "..") continue; // a standard-only pattern names no card
            yield return new TestCaseData(string.Join(" ", pattern), description.Replace(" (as per PCSC std part3)", "", StringComparison.Ordinal))
                .SetName($"Pseudo_ATR_{pattern[13]}{pattern[14]}_{(pattern[12] == ".." ? "any" : pattern[12])}_is_a_storage_card");
        }
    }

    [TestCaseSource(nameof(NamedStorageCards))]
    public void Every_listed_pc_sc_part_3_pseudo_atr_is_a_storage_card_with_its_name(string pattern, string description)
    {
        var atr = Hex.Parse(pattern.Replace("..", "03", StringComparison.Ordinal));
        Assert.That(PcscPseudoAtr.TryParseStorageCard(atr, out var standard, out var name), Is.True);
        Assert.That(standard, Is.EqualTo(atr[12]));
        var brand = PcscPseudoAtr.CardName(name);
        if (description.Contains("MIFARE", StringComparison.OrdinalIgnoreCase))
        {
            Assert.That(brand, Is.EqualTo(description).IgnoreCase);
        }
        else
        {
            Assert.That(brand, Is.Not.Empty);
        }
    }

    public static IEnumerable<TestCaseData> Iso14443Part4Atrs()
    {
        using var doc = CardTestData.Load("atrs.json");
        var groups = doc.RootElement.GetProperty("groups");
        foreach (var group in new[] { "contactless_payment_cards", "desfire", "iso14443b_no_historical" })
        {
            foreach (var entry in groups.GetProperty(group).EnumerateArray().Where(e => e.GetProperty("exact").GetBoolean()))
            {
                yield return new TestCaseData(entry.GetProperty("atr").GetString()).SetName($"ATR_{entry.GetProperty("atr").GetString()}_from_{group}_is_not_a_storage_card");
            }
        }
    }

    [TestCaseSource(nameof(Iso14443Part4Atrs))]
    public void A_payment_or_desfire_atr_is_not_taken_for_a_storage_card(string atr)
    {
        Assert.That(PcscPseudoAtr.TryParseStorageCard(Hex.Parse(atr), out _, out _), Is.False);
    }

    [Test]
    public void The_desfire_atr_names_desfire()
    {
        Assert.That(PcscPseudoAtr.Brand(Hex.Parse("3B8180018080")), Is.EqualTo("MIFARE DESFire"));
    }

    [Test]
    public void The_virtual_storage_card_atr_has_a_valid_check_byte()
    {
        var atr = ContactlessAtr.StorageCard(0x03, 0x0001);
        Assert.That(atr.Skip(1).Aggregate(0, (x, b) => x ^ b), Is.Zero);
        Assert.That(Hex.Format(atr), Does.StartWith("3B8F8001804F0CA000000306030001"));
    }
}
