using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Lists;

namespace Validator.Fares.Tests.Fares;

/// <summary>
/// A small network for rule tests: one student pass on lines 110/111, school days 06:00–18:00, for the school year
/// 2026/27; one denied card; one pass held by PAR; one zone-limited pass; one pass for a product not in the catalogue.
/// </summary>
internal static class FareWorld
{
    public static readonly CardToken Student = TestCards.Token(1);
    public static readonly CardToken Denied = TestCards.Token(2);
    public static readonly CardToken Stranger = TestCards.Token(3);
    public static readonly CardToken WalletPhone = TestCards.Token(4);
    public static readonly CardToken ZoneStudent = TestCards.Token(5);
    public static readonly CardToken RetiredProduct = TestCards.Token(6);
    public const string WalletPar = "5001A9B8C7D6E5F4A3B2C1D0E9F8A";

    public static readonly DateTimeOffset ListsUpdated = TestTimes.Berlin("2026-10-04 12:00");

    public static Entitlement StudentPass(string id, CardToken? token = null, string? par = null) => new()
    {
        Id = id,
        Token = token,
        Par = par,
        Product = "student",
        ValidFrom = new DateOnly(2026, 9, 1),
        ValidTo = new DateOnly(2027, 7, 31),
        Lines = ["110", "111"],
        Days = Weekdays.MondayToFriday,
        Windows = [new TimeWindow(new TimeOnly(6, 0), new TimeOnly(18, 0))],
    };

    public static FarePolicy Policy(bool payg = false) => new()
    {
        Products = [new Product("student", "Schülerticket Salzlandkreis"), new Product("zone-a", "Zone A Monatskarte")],
        AcceptPayAsYouGo = payg,
        RepeatTapWindow = TimeSpan.FromMinutes(15),
    };

    public static ListSnapshot Lists(FarePolicy? policy = null) => new(
        DenyList.Build([new DenyEntry { Token = Denied, Reason = DenyReason.Stolen, AddedAt = ListsUpdated }]),
        new ListStamp(7, ListsUpdated),
        EntitlementIndex.Build(
        [
            StudentPass("e-student", token: Student),
            StudentPass("e-wallet", par: WalletPar),
            new Entitlement
            {
                Id = "e-zone", Token = ZoneStudent, Product = "zone-a",
                ValidFrom = new DateOnly(2026, 10, 1), ValidTo = new DateOnly(2026, 10, 31), Zones = ["A"],
            },
            StudentPass("e-retired", token: RetiredProduct) with { Product = "discontinued" },
        ]),
        new ListStamp(12, ListsUpdated),
        policy ?? Policy(),
        new ListStamp(3, ListsUpdated));

    public static FareDecision Decide(CardReadResult read, DateTimeOffset at, ListSnapshot? lists = null, IRecentTaps? recent = null,
        string? line = "110", string? zone = null, ClockReading? clock = null) =>
        FareEngine.Decide(
            new FareRequest { Read = read, Clock = clock ?? ClockReading.TrustedAt(at), Location = new TapLocation(line, "Bernburg ZOB", zone) },
            lists ?? Lists(),
            recent ?? new RepeatTapTracker());
}
