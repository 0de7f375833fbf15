using Validator.Core.Cards;
using Validator.Core.Fares;
using Validator.Core.Lists;
using Validator.Simulation.Cards;

namespace Validator.Daemon.Demo;

/// <summary>One step of the demo: who taps, with which card, and the decision the audience should see.</summary>
internal sealed record DemoStep(string Who, ICardModel Card, string ExpectedReason);

/// <summary>
/// A school morning on line 110 in the Salzlandkreis: students with their Salzlandkarte (a prepaid Mastercard
/// whose student pass the back office lists by token), and the cards that make a validator earn its keep. Card
/// numbers are generated test numbers and never shown; the lists hold only their keyed tokens.
/// </summary>
internal sealed class SchoolMorning
{
    public const string Line = "110";
    private const string StudentProduct = "schuelerticket";
    private readonly List<DemoStep> _steps = [];
    private readonly List<Entitlement> _passes = [];
    private readonly List<DenyEntry> _denied = [];

    private SchoolMorning(int students, int seed, CardTokenizer tokenizer, DateOnly schoolDay, DateTimeOffset listsUpdated)
    {
        var random = new Random(seed);
        var schoolYear = (From: schoolDay.AddDays(-90), To: schoolDay.AddDays(270));

        // The students on this morning's bus, plus the rest of the county's pass holders in the lists.
        var riders = Enumerable.Range(0, students).Select(_ => StudentCard(random)).ToList();
        foreach (var rider in riders) AddPass(tokenizer.ForPan(rider.Pan.AsSpan()), schoolYear.From, schoolYear.To);
        for (var i = 0; i < 300; i++) AddPass(tokenizer.ForPan(StudentCard(random).Pan.AsSpan()), schoolYear.From, schoolYear.To);

        var lost = StudentCard(random);
        _denied.Add(new DenyEntry { Token = tokenizer.ForPan(lost.Pan.AsSpan()), Reason = DenyReason.Lost, AddedAt = listsUpdated });
        for (var i = 0; i < 40; i++)
        {
            _denied.Add(new DenyEntry { Token = tokenizer.ForPan(StudentCard(random).Pan.AsSpan()), Reason = DenyReason.Stolen, AddedAt = listsUpdated });
        }
        var leaver = StudentCard(random);
        AddPass(tokenizer.ForPan(leaver.Pan.AsSpan()), schoolYear.From, schoolDay.AddDays(-30)); // left school last month
        var wallet = CardProfiles.DefaultWallet;
        _passes.Add(Pass($"pass-{_passes.Count + 1:D4}", null, wallet.Par, schoolYear.From, schoolYear.To));

        for (var i = 0; i < riders.Count; i++)
        {
            _steps.Add(new DemoStep($"student {i + 1:D3}", CardProfiles.Mastercard(riders[i]), FareReasons.AcceptedPass));
            switch (i)
            {
                case 1:
                    _steps.Add(new DemoStep("student 002 taps twice", CardProfiles.Mastercard(riders[i]), FareReasons.AlreadyValidated));
                    break;
                case 2:
                    _steps.Add(new DemoStep("card reported lost", CardProfiles.Mastercard(lost), FareReasons.Denied));
                    break;
                case 3:
                    _steps.Add(new DemoStep("pass ended last month", CardProfiles.Mastercard(leaver), FareReasons.PassExpired));
                    break;
                case 4:
                    _steps.Add(new DemoStep("visitor with a Visa", CardProfiles.Visa(), FareReasons.NoTicket));
                    break;
                case 5:
                    _steps.Add(new DemoStep("card pulled too early", CardProfiles.RemovedAfter(CardProfiles.Mastercard(StudentCard(random)), 2), FareReasons.CardRemoved));
                    break;
                case 6:
                    _steps.Add(new DemoStep("student with phone wallet", CardProfiles.PhoneWallet(), FareReasons.AcceptedPass));
                    break;
                case 7:
                    _steps.Add(new DemoStep("library card (MIFARE)", CardProfiles.Mifare(), FareReasons.NoTicket));
                    break;
                case 8:
                    _steps.Add(new DemoStep("supermarket loyalty card", CardProfiles.NoSupportedApplication(), FareReasons.NotSupported));
                    break;
            }
        }
    }

    public IReadOnlyList<DemoStep> Steps => _steps;

    public IReadOnlyList<Entitlement> Passes => _passes;

    public IReadOnlyList<DenyEntry> Denied => _denied;

    public static SchoolMorning Build(int students, int seed, CardTokenizer tokenizer, DateOnly schoolDay, DateTimeOffset listsUpdated) =>
        new(students, seed, tokenizer, schoolDay, listsUpdated);

    /// <summary>The next school day (Monday to Friday) after <paramref name="today"/>.</summary>
    public static DateOnly NextSchoolDay(DateOnly today)
    {
        var day = today.AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        return day;
    }

    public static FarePolicy Policy { get; } = new()
    {
        Products = [new Product(StudentProduct, "Schülerticket Salzlandkreis")],
        AcceptPayAsYouGo = false,
        RepeatTapWindow = TimeSpan.FromMinutes(15),
    };

    private void AddPass(CardToken token, DateOnly from, DateOnly to) =>
        _passes.Add(Pass($"pass-{_passes.Count + 1:D4}", token, null, from, to));

    private static Entitlement Pass(string id, CardToken? token, string? par, DateOnly from, DateOnly to) => new()
    {
        Id = id,
        Token = token,
        Par = par,
        Product = StudentProduct,
        ValidFrom = from,
        ValidTo = to,
        Lines = [Line, "111", "112"],
        Days = Weekdays.MondayToFriday,
        Windows = [new TimeWindow(new TimeOnly(6, 0), new TimeOnly(18, 0))],
    };

    /// <summary>A generated Mastercard number (BIN 5 range, Luhn-valid), expiring in 2028 or 2029.</summary>
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
