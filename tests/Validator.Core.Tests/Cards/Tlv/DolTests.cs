using System.Text.Json;
using Validator.Core.Cards;

namespace Validator.Core.Tests.Cards.Tlv;

public class DolTests
{
    public static IEnumerable<TestCaseData> DolVectors()
    {
        using var doc = CardTestData.Load("tlv-vectors.json");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vector in doc.RootElement.GetProperty("sets").GetProperty("emv_card_response_trees").GetProperty("vectors").EnumerateArray())
        {
            foreach (var node in Walk(vector.GetProperty("expected_tree")))
            {
                if (!node.TryGetProperty("dol_entries", out var entries)) continue;
                var value = node.GetProperty("value").GetString()!;
                if (!seen.Add(value)) continue;
                var expected = string.Join(",", entries.EnumerateArray().Select(e => $"{e.GetProperty("tag").GetString()}/{e.GetProperty("len").GetInt32()}"));
                yield return new TestCaseData(value, expected).SetName($"The_{node.GetProperty("tag").GetString()}_list_{value[..Math.Min(12, value.Length)]}_has_the_printed_entries");
            }
        }
    }

    [TestCaseSource(nameof(DolVectors))]
    public void A_real_data_object_list_parses_to_the_entries_the_source_printed(string dolHex, string expected)
    {
        var entries = new List<string>();
        var reader = new DolReader(Hex.Parse(dolHex));
        while (reader.TryRead(out var entry))
        {
            entries.Add($"{entry.Tag.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)}/{entry.Length}");
        }
        Assert.That(reader.Error, Is.EqualTo(TlvError.None));
        Assert.That(string.Join(",", entries), Is.EqualTo(expected));
    }

    [Test]
    public void The_pdol_answer_follows_the_cards_order_and_lengths_with_zeros_for_unknown_tags()
    {
        var terminal = new TerminalData();
        terminal.Set(0x9F66, [0x28, 0x00, 0x40, 0x00]);
        terminal.Set(0x9F1A, [0x02, 0x76], numeric: true);
        terminal.Set(0x9F37, [0xDE, 0xAD, 0xBE, 0xEF]);
        var dol = Hex.Parse("9F66049F02069F1A029F7A019F3704");

        Assert.That(DolBuilder.TryBuild(dol, terminal, out var data), Is.EqualTo(TlvError.None));
        Assert.That(Hex.Format(data), Is.EqualTo("28004000" + "000000000000" + "0276" + "00" + "DEADBEEF"));
    }

    [Test]
    public void Terminal_data_keeps_the_last_value_set_for_a_tag_and_any_number_of_tags()
    {
        var terminal = new TerminalData();
        for (uint tag = 0xDF01; tag <= 0xDF20; tag++) terminal.Set(tag, [(byte)tag]); // 32 tags: more than it starts with room for
        terminal.Set(0xDF05, [0xAA, 0xBB], numeric: true);

        for (uint tag = 0xDF01; tag <= 0xDF20; tag++)
        {
            Assert.That(terminal.TryGet(tag, out var value, out var numeric), Is.True, $"{tag:X}");
            Assert.That(value.ToArray(), Is.EqualTo(tag == 0xDF05 ? new byte[] { 0xAA, 0xBB } : new[] { (byte)tag }), $"{tag:X}");
            Assert.That(numeric, Is.EqualTo(tag == 0xDF05), $"{tag:X}");
        }
        Assert.That(terminal.TryGet(0xDF21, out _, out _), Is.False);
    }

    [TestCase("0276", 3, true, "000276")]
    [TestCase("000000001000", 4, true, "00001000")]
    [TestCase("28004000", 2, false, "2800")]
    [TestCase("2800", 4, false, "28000000")]
    public void Values_are_fitted_to_the_asked_length_by_their_format(string value, int length, bool numeric, string expected)
    {
        var field = new byte[length];
        DolBuilder.Fit(Hex.Parse(value), field, numeric);
        Assert.That(Hex.Format(field), Is.EqualTo(expected));
    }

    [TestCase("9F", TlvError.TruncatedTag)]
    [TestCase("9F66", TlvError.TruncatedLength)]
    [TestCase("9F6681", TlvError.UnsupportedLength)]
    public void A_malformed_list_gives_an_error_value(string dolHex, TlvError expected)
    {
        Assert.That(DolBuilder.TryBuild(Hex.Parse(dolHex), new TerminalData(), out var data), Is.EqualTo(expected));
        Assert.That(data, Is.Empty);
    }

    [Test]
    public void A_list_asking_for_more_than_one_command_can_carry_is_refused()
    {
        var dol = Hex.Parse("DF017FDF027F"); // 254 bytes
        Assert.That(DolBuilder.TryBuild(dol, new TerminalData(), out _), Is.EqualTo(TlvError.DolTooLong));
    }

    private static IEnumerable<JsonElement> Walk(JsonElement nodes)
    {
        foreach (var node in nodes.EnumerateArray())
        {
            yield return node;
            if (node.TryGetProperty("children", out var children))
            {
                foreach (var child in Walk(children)) yield return child;
            }
        }
    }
}
