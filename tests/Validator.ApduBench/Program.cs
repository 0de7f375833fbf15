using System.Globalization;
using Validator.ApduBench;
using Validator.BenchKit;
using Validator.Core.Cards;
using Validator.Simulation.Cards;
using Validator.Testing;

// Usage: Validator.ApduBench [--markdown path]
// APDUs per tap for each card profile and each recorded trace in shared/testdata/cards: the validator's CardReader beside
// Iot.Device.Card's CreditCard.ReadCreditCardInformation(), both in process over the same card model, against the minimum
// the data needs (PPSE + SELECT + GPO + the AFL records that hold the PAN and expiry). No card data is printed.
var arguments = new BenchArguments(args);
arguments.RejectUnknown();
var report = new BenchReport(arguments.Markdown);

var cards = new List<(string Name, Func<ICardModel> Create)>
{
    ("Mastercard (profile)", () => CardProfiles.Mastercard()),
    ("Visa (profile)", () => CardProfiles.Visa()),
    ("girocard (profile)", () => CardProfiles.Girocard()),
    ("UID / MIFARE (profile)", () => CardProfiles.Mifare()),
};
foreach (var file in CardTestData.TraceFiles())
{
    var path = Path.Combine(CardTestData.Directory, file);
    cards.Add(($"{Path.GetFileNameWithoutExtension(file)} (trace)", () => TraceReplayCard.Load(path)));
}

var reader = new CardReader(new CardReaderOptions { TokenKey = new byte[32] });
var rows = new List<IReadOnlyList<string>>();
var verdicts = new List<(string Card, bool Met, string Value)>();
foreach (var (name, create) in cards)
{
    var ours = new CountingCard(create());
    var read = reader.Read(new IsoCardChannel(new SimulatedCardTransport(ours)));
    var identity = read.Identity;

    var theirs = new CountingCard(create());
    var iot = IotCreditCard.Read(theirs);

    var minimum = MinimumRead.Of(create(), identity?.Aid, identity?.Kind == CardKind.Uid);
    var within = identity is not null && minimum.Apdus is int min && ours.Commands <= min;
    rows.Add([
        name,
        Count(ours), identity is null ? $"no ({read.Reason})" : identity.Expiry is null ? "PAN yes, expiry no" : "PAN + expiry yes",
        Count(theirs), iot.Found,
        minimum.Apdus?.ToString(CultureInfo.InvariantCulture) ?? "—", minimum.Explanation,
    ]);
    if (identity is not null)
    {
        verdicts.Add((name, within, string.Create(CultureInfo.InvariantCulture, $"{ours.Commands} APDUs, minimum {minimum.Apdus?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}")));
    }
}

report.Table(
    "APDUs per tap, in process over the card model (the same channel for both readers; bytes = command + response bytes including status words): the validator's `CardReader` (PAN and expiry; PSN not required, no cryptogram) beside Iot.Device.Card 4.2's `CreditCard.ReadCreditCardInformation()` through a `CardTransceiver` over the same card; minimum = what the data needs by EMV (PPSE, SELECT of the application read, GPO, and the fewest AFL records holding the PAN and expiry):",
    ["card", "validator: APDUs / bytes", "validator got", "Iot.Device.Card: APDUs / bytes", "Iot.Device.Card got", "minimum APDUs", "minimum made of"],
    rows);
foreach (var (card, met, value) in verdicts) report.Target($"{card}: validator APDUs ≤ minimum", met, value);
report.Save();
return 0;

static string Count(CountingCard card) => string.Create(CultureInfo.InvariantCulture, $"{card.Commands} / {card.Bytes:N0}");
