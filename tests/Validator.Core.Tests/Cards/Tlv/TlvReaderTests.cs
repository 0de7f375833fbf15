using Validator.Core.Cards;

namespace Validator.Core.Tests.Cards.Tlv;

public class TlvReaderTests
{
    private static List<(uint Tag, bool Constructed, string Value)> ReadAll(string hex, out TlvError error)
    {
        var list = new List<(uint, bool, string)>();
        var reader = new TlvReader(Hex.Parse(hex));
        while (reader.TryRead(out var element))
        {
            list.Add((element.Tag, element.IsConstructed, Hex.Format(element.Value)));
        }
        error = reader.Error;
        return list;
    }

    [Test]
    public void A_one_byte_tag_with_a_short_length_is_read()
    {
        var read = ReadAll("5F2403251231" + "8701 01".Replace(" ", "", StringComparison.Ordinal), out var error);
        Assert.That(error, Is.EqualTo(TlvError.None));
        Assert.That(read, Is.EqualTo(new[] { (0x5F24u, false, "251231"), (0x87u, false, "01") }));
    }

    [Test]
    public void A_three_byte_tag_is_read_as_one_number()
    {
        var read = ReadAll("DF810102ABCD", out var error);
        Assert.That(error, Is.EqualTo(TlvError.None));
        Assert.That(read, Is.EqualTo(new[] { (0xDF8101u, false, "ABCD") }));
    }

    [Test]
    public void Two_and_three_byte_lengths_are_read()
    {
        var value = new string('A', 2 * 0x90);
        var read = ReadAll("5A8190" + value + "5B820003" + "010203", out var error);
        Assert.That(error, Is.EqualTo(TlvError.None));
        Assert.That(read.Select(r => r.Value.Length / 2), Is.EqualTo(new[] { 0x90, 3 }));
    }

    [Test]
    public void Padding_bytes_00_and_FF_before_between_and_after_objects_are_skipped()
    {
        var read = ReadAll("00FF5A01110000FF5B0122FFFF00", out var error);
        Assert.That(error, Is.EqualTo(TlvError.None));
        Assert.That(read.Select(r => r.Tag), Is.EqualTo(new[] { 0x5Au, 0x5Bu }));
    }

    [Test]
    public void Constructed_objects_are_flagged_by_bit_six_of_the_first_tag_byte()
    {
        var read = ReadAll("6F03840100BF0C00", out var error);
        Assert.That(error, Is.EqualTo(TlvError.None));
        Assert.That(read.Select(r => r.Constructed), Is.EqualTo(new[] { true, true }));
    }

    [TestCase("9F", TlvError.TruncatedTag)]
    [TestCase("9F81", TlvError.TruncatedTag)]
    [TestCase("9F8181818101", TlvError.TagTooLong)]
    [TestCase("5A", TlvError.TruncatedLength)]
    [TestCase("5A81", TlvError.TruncatedLength)]
    [TestCase("5A8201", TlvError.TruncatedLength)]
    [TestCase("5A80", TlvError.UnsupportedLength)]
    [TestCase("5A83000001AA", TlvError.UnsupportedLength)]
    [TestCase("5A0511", TlvError.ValueOverrun)]
    [TestCase("5A82FFFF11", TlvError.ValueOverrun)]
    public void Malformed_bytes_give_an_error_value(string hex, TlvError expected)
    {
        ReadAll(hex, out var error);
        Assert.That(error, Is.EqualTo(expected));
    }

    [Test]
    public void A_reader_that_failed_stays_failed()
    {
        var reader = new TlvReader(Hex.Parse("5A05115B0122"));
        Assert.That(reader.TryRead(out _), Is.False);
        Assert.That(reader.TryRead(out _), Is.False);
        Assert.That(reader.Error, Is.EqualTo(TlvError.ValueOverrun));
    }

    [Test]
    public void Empty_input_gives_no_objects_and_no_error()
    {
        Assert.That(ReadAll("", out var error), Is.Empty);
        Assert.That(error, Is.EqualTo(TlvError.None));
    }

    [Test]
    public void Nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow()
    {
        var chain = BuildChain(60);
        Assert.That(TlvTree.Validate(chain), Is.EqualTo(TlvError.TooDeep));
        Assert.That(TlvTree.TryFind(chain, 0x5A, out _), Is.False);
    }

    [Test]
    public void A_template_with_another_object_after_it_is_trailing_data()
    {
        Assert.That(TlvTree.ReadTemplate(Hex.Parse("7003" + "5A0111" + "5B0100"), out _), Is.EqualTo(TlvError.TrailingData));
        Assert.That(TlvTree.ReadTemplate(Hex.Parse("7003" + "5A0111" + "FFFF"), out var template), Is.EqualTo(TlvError.None));
        Assert.That(template.Tag, Is.EqualTo(0x70u));
        Assert.That(TlvTree.ReadTemplate(Hex.Parse("FF"), out _), Is.EqualTo(TlvError.Empty));
    }

    [Test]
    public void A_search_finds_a_tag_inside_nested_templates()
    {
        var fci = Hex.Parse("6F0FA50DBF0C0A61084F06A00000000410");
        Assert.That(TlvTree.TryFind(fci, 0x4F, out var aid), Is.True);
        Assert.That(Hex.Format(aid), Is.EqualTo("A00000000410"));
        Assert.That(TlvTree.TryFind(fci, 0x50, out _), Is.False);
    }

    private static byte[] BuildChain(int depth)
    {
        byte[] inner = [0x5A, 0x01, 0x11];
        for (var i = 0; i < depth; i++)
        {
            inner = inner.Length switch
            {
                < 0x80 => [0xE1, (byte)inner.Length, .. inner],
                < 0x100 => [0xE1, 0x81, (byte)inner.Length, .. inner],
                _ => [0xE1, 0x82, (byte)(inner.Length >> 8), (byte)inner.Length, .. inner],
            };
        }
        return inner;
    }
}
