using Validator.Core.Cards;

namespace Validator.Core.Tests.Cards;

/// <summary>Token text comes from the network (tap batches, lists): parsing says no, it never throws.</summary>
public class CardTokenParsingTests
{
    [TestCase("0123456789ABCDEF0123456789ABCDEF", true)]
    [TestCase("0123456789abcdef0123456789abcdef", true)]
    [TestCase("0123456789ABCDEF 123456789ABCDE", false)] // 32 characters, 15 bytes once the space is skipped
    [TestCase("                                ", false)]
    [TestCase("0123456789ABCDEF0123456789ABCDEG", false)]
    [TestCase("0123456789ABCDEF", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void TryParse_answers_without_throwing(string? text, bool parses)
    {
        Assert.That(CardToken.TryParse(text, out _), Is.EqualTo(parses));
    }
}
