namespace Validator.Gpio.Tests;

/// <summary>Timeline assertions with a tolerance, so a timer that fires a little late still passes and a wrong pattern does not.</summary>
internal static class Expect
{
    public const double ToleranceMs = 1;

    public static void Intervals(IReadOnlyList<Interval> actual, params (double From, double To)[] expected)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Length), () => $"intervals were {string.Join(" ", actual)}");
        Assert.Multiple(() =>
        {
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.That(actual[i].From, Is.EqualTo(expected[i].From).Within(ToleranceMs), $"start of interval {i}: {actual[i]}");
                Assert.That(actual[i].To, Is.EqualTo(expected[i].To).Within(ToleranceMs), $"end of interval {i}: {actual[i]}");
            }
        });
    }

    public static void Tones(IReadOnlyList<Beep> actual, params (double From, double To, int Hz)[] expected)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Length), () => $"tones were {string.Join(" ", actual)}");
        Assert.Multiple(() =>
        {
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.That(actual[i].From, Is.EqualTo(expected[i].From).Within(ToleranceMs), $"start of tone {i}: {actual[i]}");
                Assert.That(actual[i].To, Is.EqualTo(expected[i].To).Within(ToleranceMs), $"end of tone {i}: {actual[i]}");
                Assert.That(actual[i].Hz, Is.EqualTo(expected[i].Hz), $"pitch of tone {i}: {actual[i]}");
            }
        });
    }
}
