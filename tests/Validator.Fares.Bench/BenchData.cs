using Validator.Core.Cards;
using Validator.Core.Lists;

namespace Validator.Fares.Bench;

/// <summary>Deterministic bench data: the same seed always gives the same lists and taps.</summary>
internal static class BenchData
{
    public const int Seed = 20261005;
    public static readonly string[] Lines = ["110", "111", "112", "130", "131", "140", "150", "160"];
    public static readonly DateTimeOffset ListsUpdated = new(2026, 10, 4, 10, 0, 0, TimeSpan.Zero);

    public static CardToken RandomToken(Random random) => new((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64());

    public static string RandomExpiry(Random random) => $"{random.Next(27, 31):D2}{random.Next(1, 13):D2}";

    /// <summary>Deny entries; about a third narrowed to one issue (expiry and PSN), as reissues make them.</summary>
    public static IEnumerable<DenyEntry> DenyEntries(int count, Random random)
    {
        for (var i = 0; i < count; i++)
        {
            var narrowed = random.Next(3) == 0;
            yield return new DenyEntry
            {
                Token = RandomToken(random),
                Expiry = narrowed ? RandomExpiry(random) : null,
                Psn = narrowed ? (byte)random.Next(3) : null,
                Reason = (DenyReason)random.Next(1, 6),
                AddedAt = ListsUpdated.AddMinutes(-random.Next(500_000)),
            };
        }
    }

    /// <summary>Student passes: school year, a few lines, school days 05:30–19:00; one in ten held by PAR.</summary>
    public static IEnumerable<Entitlement> Entitlements(int count, Random random)
    {
        for (var i = 0; i < count; i++)
        {
            var byPar = random.Next(10) == 0;
            yield return new Entitlement
            {
                Id = "E" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture),
                Token = byPar ? null : RandomToken(random),
                Par = byPar ? "5001" + random.NextInt64().ToString("X16", System.Globalization.CultureInfo.InvariantCulture) : null,
                Product = random.Next(5) == 0 ? "azubi" : "student",
                ValidFrom = new DateOnly(2026, 8, 1),
                ValidTo = new DateOnly(2027, 7, 31),
                Lines = random.Next(4) == 0 ? [] : Lines.Where(_ => random.Next(3) == 0).DefaultIfEmpty("110").ToArray(),
                Days = Weekdays.MondayToFriday,
                Windows = [new TimeWindow(new TimeOnly(5, 30), new TimeOnly(19, 0))],
            };
        }
    }

    public static FarePolicy Policy() => new()
    {
        Products = [new Product("student", "Schülerticket"), new Product("azubi", "Azubi-Ticket")],
        AcceptPayAsYouGo = true,
        RepeatTapWindow = TimeSpan.FromMinutes(15),
    };
}
