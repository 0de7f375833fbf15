using System.Text;
using Validator.Core.Cards;

namespace Validator.Core.Tests.Cards;

public class CardTokenizerTests
{
    private const string Pan = "5413330089600010";

    [Test]
    public void The_same_pan_and_key_give_the_same_token()
    {
        Assert.That(new CardTokenizer(Tap.Key).ForPan(Pan.AsSpan()), Is.EqualTo(new CardTokenizer(Tap.Key.ToArray()).ForPan(Encoding.ASCII.GetBytes(Pan))));
    }

    [Test]
    public void A_different_key_gives_a_different_token()
    {
        var other = Tap.Key.ToArray();
        other[0] ^= 1;
        Assert.That(new CardTokenizer(other).ForPan(Pan.AsSpan()), Is.Not.EqualTo(new CardTokenizer(Tap.Key).ForPan(Pan.AsSpan())));
    }

    [Test]
    public void A_different_pan_gives_a_different_token()
    {
        var tokenizer = new CardTokenizer(Tap.Key);
        Assert.That(tokenizer.ForPan("5413330089600011".AsSpan()), Is.Not.EqualTo(tokenizer.ForPan(Pan.AsSpan())));
    }

    [Test]
    public void The_token_is_hmac_sha256_of_the_ascii_digits_truncated_to_16_bytes()
    {
        var expected = System.Security.Cryptography.HMACSHA256.HashData(Tap.Key, Encoding.ASCII.GetBytes(Pan))[..16];
        Assert.That(new CardTokenizer(Tap.Key).ForPan(Pan.AsSpan()).ToBytes(), Is.EqualTo(expected));
    }

    [Test]
    public void The_token_does_not_contain_the_pan()
    {
        var token = new CardTokenizer(Tap.Key).ForPan(Pan.AsSpan()).ToString();
        Assert.That(token, Does.Not.Contain(Pan));
        Assert.That(token, Does.Not.Contain(Pan[^8..]));
        Assert.That(token, Does.Not.Contain(Hex.Format(Hex.Parse(Pan))));
    }

    [TestCase(0)]
    [TestCase(16)]
    [TestCase(31)]
    public void A_key_shorter_than_32_bytes_is_rejected(int length)
    {
        Assert.That(() => new CardTokenizer(new byte[length]), Throws.ArgumentException.With.Message.Contains("32"));
        Assert.That(() => new CardReader(new CardReaderOptions { TokenKey = new byte[length] }), Throws.ArgumentException);
    }

    [Test]
    public void A_uid_token_never_equals_the_token_of_the_same_digits_as_a_pan()
    {
        var tokenizer = new CardTokenizer(Tap.Key);
        var digits = Encoding.ASCII.GetBytes("12345678");
        Assert.That(tokenizer.ForUid(digits), Is.Not.EqualTo(tokenizer.ForPan(digits)));
    }

    [TestCase("1234567", TestName = "Something_that_is_not_a_pan_is_refused(too short)")]
    [TestCase("12345678901234567890", TestName = "Something_that_is_not_a_pan_is_refused(too long)")]
    [TestCase("54133300896000A0", TestName = "Something_that_is_not_a_pan_is_refused(not digits)")]
    public void Something_that_is_not_a_pan_is_refused(string text)
    {
        Assert.That(() => new CardTokenizer(Tap.Key).ForPan(text.AsSpan()), Throws.ArgumentException.With.Message.Not.Contain(text));
    }
}
