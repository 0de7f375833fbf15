using Validator.Simulation.Cards;

namespace Validator.Daemon.Demo;

/// <summary>One step of the demo: who taps, with which card, and what the audience should expect.</summary>
internal sealed record DemoStep(string Who, ICardModel Card, string Expect);

/// <summary>
/// A school morning on the county bus: students with their Salzlandkarte (a prepaid Mastercard), and the cards that
/// make a validator earn its keep. Card numbers are generated test numbers, never shown.
/// </summary>
internal static class SchoolMorning
{
    public static IReadOnlyList<DemoStep> Build(int students, int seed)
    {
        var random = new Random(seed);
        var steps = new List<DemoStep>();
        var salzlandkarten = Enumerable.Range(0, students).Select(_ => StudentCard(random)).ToList();

        for (var i = 0; i < salzlandkarten.Count; i++)
        {
            steps.Add(new DemoStep($"student {i + 1:D3}", CardProfiles.Mastercard(salzlandkarten[i]), "identified"));
            if (i == 2)
            {
                steps.Add(new DemoStep("student 003 taps again", CardProfiles.Mastercard(salzlandkarten[i]), "identified (same token)"));
            }
        }
        steps.Insert(Math.Min(4, steps.Count), new DemoStep("girocard holder", CardProfiles.Girocard(), "identified"));
        steps.Insert(Math.Min(6, steps.Count), new DemoStep("phone wallet", CardProfiles.PhoneWallet(), "identified"));
        steps.Insert(Math.Min(7, steps.Count), new DemoStep("visitor with Visa", CardProfiles.Visa(), "identified"));
        steps.Insert(Math.Min(8, steps.Count), new DemoStep("pulled too early", CardProfiles.RemovedAfter(CardProfiles.Mastercard(StudentCard(random)), 2), "read-failed"));
        steps.Insert(Math.Min(9, steps.Count), new DemoStep("library card (MIFARE)", CardProfiles.Mifare(), "identified (uid)"));
        steps.Insert(Math.Min(10, steps.Count), new DemoStep("loyalty card", CardProfiles.NoSupportedApplication(), "not-supported"));
        return steps;
    }

    /// <summary>A generated Mastercard number (BIN 5 range, Luhn-valid), expiry in 2028 or 2029.</summary>
    private static CardholderData StudentCard(Random random)
    {
        var digits = new int[16];
        digits[0] = 5;
        digits[1] = 1 + random.Next(5);
        for (var i = 2; i < 15; i++) digits[i] = random.Next(10);
        digits[15] = LuhnCheckDigit(digits.AsSpan(0, 15));
        var pan = string.Concat(digits.Select(d => (char)('0' + d)));
        var expiry = $"{28 + random.Next(2):D2}{1 + random.Next(12):D2}";
        return new CardholderData(pan, expiry, (byte)random.Next(2));
    }

    private static int LuhnCheckDigit(ReadOnlySpan<int> payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var d = payload[payload.Length - 1 - i];
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
