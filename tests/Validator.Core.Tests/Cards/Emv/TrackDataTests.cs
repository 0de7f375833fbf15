using System.Text;
using Validator.Core.Cards;

namespace Validator.Core.Tests.Cards.Emv;

public class TrackDataTests
{
    public static IEnumerable<TestCaseData> Track2Vectors()
    {
        using var doc = CardTestData.Load("tlv-vectors.json");
        foreach (var v in doc.RootElement.GetProperty("sets").GetProperty("devnied_track_data").GetProperty("vectors").EnumerateArray())
        {
            if (!v.GetProperty("kind").GetString()!.StartsWith("track2", StringComparison.Ordinal)) continue;
            var expect = v.GetProperty("expect");
            var pan = expect.TryGetProperty("pan", out var p) ? p.GetString() : null;
            var expiry = expect.TryGetProperty("expiry", out var e) ? e.GetString() : null;
            yield return new TestCaseData(v.GetProperty("hex").GetString(), pan, expiry).SetName($"Track_2_vector_{v.GetProperty("name").GetString()!.Replace(' ', '_')}");
        }
    }

    [TestCaseSource(nameof(Track2Vectors))]
    public void Track_2_gives_the_pan_and_expiry_the_source_expects(string hex, string? pan, string? expiry)
    {
        var panDigits = new byte[Pan.MaxDigits];
        var expiryDigits = new byte[4];
        var ok = Track2.TryParse(Hex.Parse(hex), panDigits, out var length, expiryDigits);
        Assert.That(ok, Is.EqualTo(pan is not null));
        if (pan is null)
        {
            Assert.That(panDigits, Is.All.EqualTo(0), "nothing is left in the buffer after a failed parse");
            return;
        }
        Assert.That(Encoding.ASCII.GetString(panDigits, 0, length), Is.EqualTo(pan));
        Assert.That(Encoding.ASCII.GetString(expiryDigits), Is.EqualTo(expiry));
    }

    [TestCase("5413330089600010D", TestName = "Broken_track_2_is_refused(separator with nothing after it)")]
    [TestCase("5413330089600010D26", TestName = "Broken_track_2_is_refused(expiry cut short)")]
    [TestCase("54133300D2611201", TestName = "Broken_track_2_is_refused(PAN too short)")]
    [TestCase("5413330089600010A2611201", TestName = "Broken_track_2_is_refused(wrong separator)")]
    [TestCase("54133300896000101234D2611201", TestName = "Broken_track_2_is_refused(PAN too long)")]
    public void Broken_track_2_is_refused(string nibbles)
    {
        var hex = nibbles.Length % 2 == 0 ? nibbles : nibbles + "F";
        Assert.That(Track2.TryParse(Hex.Parse(hex), new byte[Pan.MaxDigits], out _, new byte[4]), Is.False);
    }

    [TestCase("5413330089600010", "5413330089600010", TestName = "Tag_5A_decodes_with_f_padding(16 digits)")]
    [TestCase("6726428902046846007F", "6726428902046846007", TestName = "Tag_5A_decodes_with_f_padding(19 digits, padded)")]
    [TestCase("541333008960", "541333008960", TestName = "Tag_5A_decodes_with_f_padding(12 digits)")]
    public void Tag_5A_decodes_with_f_padding(string hex, string expected)
    {
        var digits = new byte[Pan.MaxDigits];
        Assert.That(Pan.TryDecode(Hex.Parse(hex), digits, out var length), Is.True);
        Assert.That(Encoding.ASCII.GetString(digits, 0, length), Is.EqualTo(expected));
    }

    [TestCase("54133300896F0010", TestName = "A_5A_that_is_not_a_pan_is_refused(padding inside)")]
    [TestCase("5413330089", TestName = "A_5A_that_is_not_a_pan_is_refused(too short)")]
    [TestCase("541333008960001A", TestName = "A_5A_that_is_not_a_pan_is_refused(not a digit)")]
    [TestCase("54133300896000101234", TestName = "A_5A_that_is_not_a_pan_is_refused(too long)")]
    public void A_5A_that_is_not_a_pan_is_refused(string hex)
    {
        Assert.That(Pan.TryDecode(Hex.Parse(hex), new byte[Pan.MaxDigits], out _), Is.False);
    }
}
