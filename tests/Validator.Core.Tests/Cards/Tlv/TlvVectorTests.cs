using System.Text.Json;
using Validator.Core.Cards;

namespace Validator.Core.Tests.Cards.Tlv;

/// <summary>Parses the real responses in tlv-vectors.json and compares with the trees third-party tools printed.</summary>
public class TlvVectorTests
{
    public static IEnumerable<TestCaseData> ResponseTrees()
    {
        using var doc = CardTestData.Load("tlv-vectors.json");
        var index = 0;
        foreach (var vector in doc.RootElement.GetProperty("sets").GetProperty("emv_card_response_trees").GetProperty("vectors").EnumerateArray())
        {
            var context = vector.GetProperty("context").GetString();
            yield return new TestCaseData(vector.GetProperty("hex").GetString(), vector.GetProperty("expected_tree").GetRawText())
                .SetName($"Response_tree_{index++:00}_({context})_matches_the_printed_tree");
        }
    }

    [TestCaseSource(nameof(ResponseTrees))]
    public void A_real_response_parses_to_the_tree_the_source_printed(string hex, string expectedTreeJson)
    {
        using var expected = JsonDocument.Parse(expectedTreeJson);
        var bytes = Hex.Parse(hex);
        Assert.That(TlvTree.Validate(bytes), Is.EqualTo(TlvError.None));
        var actual = Describe(bytes);
        Assert.That(actual, Is.EqualTo(DescribeExpected(expected.RootElement)));
    }

    [Test]
    public void Every_ber_tlv_library_vector_parses_as_its_source_asserts()
    {
        using var doc = CardTestData.Load("tlv-vectors.json");
        var vectors = doc.RootElement.GetProperty("sets").GetProperty("ber_tlv_payneteasy").GetProperty("vectors")
            .EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => Hex.Parse(v.GetProperty("hex").GetString()!));

        Assert.Multiple(() =>
        {
            foreach (var (name, bytes) in vectors)
            {
                Assert.That(TlvTree.Validate(bytes), Is.EqualTo(TlvError.None), name);
            }

            var parse = vectors["testParse"];
            Assert.That(TlvTree.TryFind(parse, 0x9F41, out var lastValue), Is.True);
            Assert.That(Hex.Format(lastValue), Is.EqualTo("00000063"));

            Assert.That(TopLevel(vectors["testParseLen2"]).Single(), Is.EqualTo(0xE0u));

            var multi = vectors["testMulti"];
            Assert.That(TlvTree.TryFind(multi, 0x9F1E, out var serial), Is.True);
            Assert.That(System.Text.Encoding.ASCII.GetString(serial), Is.EqualTo("16021437"));
            Assert.That(TlvTree.TryFind(multi, 0xE1, out var e1), Is.True);
            var efs = Children(e1).Where(c => c.Tag == 0xEF).ToList();
            Assert.That(efs, Has.Count.EqualTo(2));
            Assert.That(Text(efs[0].Value, 0xDF0D), Is.EqualTo("M000-MPI"));
            Assert.That(Text(efs[0].Value, 0xDF7F), Is.EqualTo("1-22"));
            Assert.That(Text(efs[1].Value, 0xDF0D), Is.EqualTo("M000-TESTOS"));
            Assert.That(Text(efs[1].Value, 0xDF7F), Is.EqualTo("6-5"));

            Assert.That(TlvTree.TryFind(vectors["test_empty_length"], 0xE3, out var e3), Is.True);
            Assert.That(Children(e3), Is.EqualTo(new[] { (0x01u, Array.Empty<byte>()) }).Using<(uint, byte[])>((a, b) => a.Item1 == b.Item1 && a.Item2.SequenceEqual(b.Item2)));

            Assert.That(TopLevel(vectors["test_empty_hex"]), Is.Empty);

            var issue10 = vectors["test_issue_10_last_tag"];
            Assert.That(TopLevel(issue10), Has.Count.EqualTo(1));
            Assert.That(TlvTree.TryFind(issue10, 0xBF01, out var bf01), Is.True);
            Assert.That(Children(bf01), Has.Count.EqualTo(6));
            Assert.That(TlvTree.TryFind(issue10, 0xDF05, out var df05), Is.True);
            Assert.That(Hex.Format(df05), Is.EqualTo("03"));
        });
    }

    [Test]
    public void The_pse_directory_record_has_the_four_applications_the_source_printed()
    {
        using var doc = CardTestData.Load("tlv-vectors.json");
        var vector = doc.RootElement.GetProperty("sets").GetProperty("devnied_pretty_print").GetProperty("vectors")[0];
        var raw = Hex.Parse(vector.GetProperty("hex").GetString()!);
        var record = raw[..^2]; // sw_included: the status word trails the record
        Assert.That(TlvTree.ReadTemplate(record, out var template), Is.EqualTo(TlvError.None));
        var aids = Children(template.Value).Where(c => c.Tag == 0x61).Select(c => Text(c.Value, 0x50)).ToList();
        Assert.That(aids, Is.EqualTo(new[] { "PIN", "MAESTRO", "SecureCode Auth", "Chipknip" }));
    }

    private static string? Text(ReadOnlySpan<byte> data, uint tag) =>
        TlvTree.TryFind(data, tag, out var value) ? System.Text.Encoding.ASCII.GetString(value) : null;

    private static List<uint> TopLevel(byte[] bytes) => Children(bytes).Select(c => c.Tag).ToList();

    private static List<(uint Tag, byte[] Value)> Children(ReadOnlySpan<byte> bytes)
    {
        var list = new List<(uint, byte[])>();
        var reader = new TlvReader(bytes);
        while (reader.TryRead(out var element)) list.Add((element.Tag, element.Value.ToArray()));
        Assert.That(reader.Error, Is.EqualTo(TlvError.None));
        return list;
    }

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var parts = new List<string>();
        var reader = new TlvReader(bytes);
        while (reader.TryRead(out var element))
        {
            var tag = element.Tag.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
            parts.Add(element.IsConstructed
                ? $"{tag}/{element.Value.Length}[{Describe(element.Value)}]"
                : $"{tag}/{element.Value.Length}={Hex.Format(element.Value)}");
        }
        return string.Join(",", parts);
    }

    private static string DescribeExpected(JsonElement nodes)
    {
        var parts = new List<string>();
        foreach (var node in nodes.EnumerateArray())
        {
            var tag = node.GetProperty("tag").GetString();
            var len = node.GetProperty("len").GetInt32();
            parts.Add(node.TryGetProperty("children", out var children)
                ? $"{tag}/{len}[{DescribeExpected(children)}]"
                : $"{tag}/{len}={node.GetProperty("value").GetString()}");
        }
        return string.Join(",", parts);
    }
}
