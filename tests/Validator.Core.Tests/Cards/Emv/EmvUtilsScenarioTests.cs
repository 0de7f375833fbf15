using System.Text.Json;
using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards.Emv;

/// <summary>
/// The 52 hand-written error scenarios of openemv/emv-utils (emvutils-scenarios.json), where they apply to a contactless
/// reader: they use the contact PSE (1PAY.SYS.DDF01), which this reader never asks for, so their directory records are
/// checked through the directory parser and their SELECT/GPO/record answers through the reader or the parsers.
/// </summary>
public class EmvUtilsScenarioTests
{
    private static JsonElement Scenarios(JsonDocument doc) => doc.RootElement.GetProperty("scenarios");

    private static List<RecordedExchange> Exchanges(string name)
    {
        using var doc = CardTestData.Load("emvutils-scenarios.json");
        return RecordedExchange.FromJson(Scenarios(doc).GetProperty(name));
    }

    public static IEnumerable<TestCaseData> AllScenarios()
    {
        using var doc = CardTestData.Load("emvutils-scenarios.json");
        foreach (var scenario in Scenarios(doc).EnumerateObject())
        {
            yield return new TestCaseData(scenario.Name).SetName($"Scenario_{scenario.Name.Replace('/', '_')}_gives_a_result_value");
        }
    }

    [Test]
    public void The_file_holds_the_52_scenarios()
    {
        Assert.That(AllScenarios().Count(), Is.EqualTo(52));
    }

    [TestCaseSource(nameof(AllScenarios))]
    public void Every_scenario_replayed_as_a_card_gives_a_result_value(string name)
    {
        var exchanges = Exchanges(name);
        // Configure the AIDs the scenario selects too, so the reader reaches its answers.
        var applications = SupportedApplication.Defaults.ToList();
        foreach (var e in exchanges.Where(e => e.Command is [0x00, 0xA4, 0x04, _, var lc, ..] && lc is >= 5 and <= 16 && e.Command.Length >= 5 + lc))
        {
            var aid = Hex.Format(e.Command!.AsSpan(5, e.Command![4]));
            if (!applications.Exists(a => Hex.Format(a.Aid.Span) == aid)) applications.Add(new SupportedApplication(aid, "Test"));
        }
        var result = Tap.Read(new TraceReplayCard(exchanges), Tap.Options(applications: applications));
        Assert.That(result.Outcome, Is.AnyOf(CardReadOutcome.NotSupported, CardReadOutcome.ReadFailed, CardReadOutcome.Identified));
        Assert.That(result.Outcome == CardReadOutcome.Identified, Is.EqualTo(result.Identity is not null));
        Assert.That(result.Reason == CardReadReason.None, Is.EqualTo(result.Outcome == CardReadOutcome.Identified));
    }

    [TestCase("emv_build_candidate_list/test_pse_card_blocked")]
    [TestCase("emv_build_candidate_list/test_aid_card_blocked")]
    [TestCase("emv_build_candidate_list/test_nothing_found")]
    [TestCase("emv_build_candidate_list/test_pse_blocked")]
    [TestCase("emv_build_candidate_list/test_aid_blocked")]
    public void A_card_whose_applications_are_all_blocked_or_absent_is_not_supported(string name)
    {
        var result = Tap.Read(new TraceReplayCard(Exchanges(name)), null, out var card);
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.NotSupported), result.Detail);
        Assert.That(card.Steps(), Does.Not.Contain("GPO"), "a blocked (6A81) or deactivated (6283) application is never processed");
    }

    [Test]
    public void The_first_supported_aid_that_answers_is_processed_in_the_list_of_aids_method()
    {
        var result = Tap.Read(new TraceReplayCard(Exchanges("emv_build_candidate_list/test_aid_multi_exact_match_app_supported")), null, out var card);
        var steps = card.Steps();
        Assert.That(steps.IndexOf("GPO"), Is.EqualTo(steps.IndexOf("SELECT A0000000032020") + 1), "V PAY answered SELECT, so GPO follows");
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.NotSupported), "the scenario has no GPO answer: the application is refused");
    }

    [Test]
    public void A_longer_card_aid_is_accepted_by_partial_selection()
    {
        Tap.Read(new TraceReplayCard(Exchanges("emv_build_candidate_list/test_aid_multi_partial_match_app_supported")), null, out var card);
        var steps = card.Steps();
        Assert.That(steps.IndexOf("GPO"), Is.EqualTo(steps.IndexOf("SELECT A0000000041010") + 1));
    }

    [Test]
    public void Directory_entries_are_ordered_by_priority_then_card_order_with_unprioritised_last()
    {
        var found = new List<ApplicationCandidate>();
        var supported = new[] { new SupportedApplication("A0000000031010", "Visa"), new SupportedApplication("A0000000041010", "Mastercard") };
        foreach (var e in Exchanges("emv_build_candidate_list/test_sorted_app_priority").Where(e => e.Command is [0x00, 0xB2, ..] && e.Response.Length > 2))
        {
            Assert.That(TlvTree.ReadTemplate(e.Response.AsSpan(0, e.Response.Length - 2), out var record), Is.EqualTo(TlvError.None));
            ApplicationDirectory.AddEntries(record.Value, supported, found);
        }
        var order = ApplicationCandidate.Sort(found).Select(c => Hex.Format(c.Aid));
        Assert.That(order, Is.EqualTo(new[]
        {
            "A000000003101001", "A000000003101002", "A000000003101003", "A000000003101004", "A000000003101005", "A000000003101006", "A0000000041010",
        }));
    }

    [Test]
    public void The_cardholder_confirmation_bit_does_not_change_the_priority()
    {
        var found = new List<ApplicationCandidate>();
        var e = Exchanges("emv_build_candidate_list/test_app_cardholder_confirmation").Single(e => e.Command is [0x00, 0xB2, _, _, ..] && e.Response.Length > 2);
        Assert.That(TlvTree.ReadTemplate(e.Response.AsSpan(0, e.Response.Length - 2), out var record), Is.EqualTo(TlvError.None));
        ApplicationDirectory.AddEntries(record.Value, SupportedApplication.Defaults, found);
        Assert.That(found.Single().Priority, Is.EqualTo(1));
    }

    [TestCase("emv_select_application/test_select_app2", "A000000003101002", "names another application")]
    [TestCase("emv_select_application/test_select_app6", "A000000003101006", "names another application")]
    [TestCase("emv_select_application/test_select_app5", "A000000003101005", "no DF name")]
    [TestCase("emv_select_application/test_select_app4", "A000000003101004", "MalformedResponse")]
    public void A_broken_select_answer_is_a_malformed_answer(string name, string aid, string detail)
    {
        var options = Tap.Options(applications: [new SupportedApplication(aid, "Test")]);
        var result = Tap.Read(new TraceReplayCard(Exchanges(name)), options);
        Assert.That(result.Outcome, Is.EqualTo(CardReadOutcome.ReadFailed));
        Assert.That(result.Reason, Is.EqualTo(CardReadReason.MalformedAnswer));
        Assert.That(result.Detail, Does.Contain(detail));
    }

    [TestCase("emv_initiate_application_processing/test1_apdu_list", "08:2-2,10:1-4,18:1-2")]
    [TestCase("emv_initiate_application_processing/test4_apdu_list", "08:2-2,10:1-4,18:1-2")]
    [TestCase("emv_initiate_application_processing/test2_apdu_list", "18:1-2,20:2-4")]
    public void Both_gpo_answer_formats_give_the_afl(string name, string expected)
    {
        var answer = Exchanges(name).Single().Response;
        using var data = new ApplicationData();
        Assert.That(EmvRead.ReadProcessingOptions(answer.AsSpan(0, answer.Length - 2), data, out var afl), Is.Null);
        Assert.That(string.Join(",", afl.Select(a => $"{a.Sfi << 3:X2}:{a.FirstRecord}-{a.LastRecord}")), Is.EqualTo(expected));
    }

    [TestCase("test2", false)]
    [TestCase("test3", true)]
    [TestCase("test7", false)]
    [TestCase("test8", true)]
    [TestCase("test9", true)]
    [TestCase("test10", true)]
    [TestCase("test11", true)]
    public void The_afl_vectors_parse_or_fail_as_emv_utils_says(string name, bool valid)
    {
        using var doc = CardTestData.Load("emvutils-scenarios.json");
        var afl = Hex.Parse(doc.RootElement.GetProperty("read_application_data_afl").GetProperty(name).GetProperty("afl").GetString()!);
        Assert.That(Afl.TryParse(afl, out _), Is.EqualTo(valid));
    }

    [TestCase("emv_read_application_data/test3_apdu_list", false)]
    [TestCase("emv_read_application_data/test4_apdu_list", false)]
    [TestCase("emv_read_application_data/test5_apdu_list", true)]
    [TestCase("emv_read_application_data/test6_apdu_list", false)]
    [TestCase("emv_read_application_data/test7_apdu_list", true)]
    public void A_record_is_read_only_from_a_well_formed_70_template(string name, bool readable)
    {
        // test5 ends its record with FF FF: padding, which ISO 7816-4 5.2.2.1 allows after a data object.
        var response = Exchanges(name).Single().Response;
        var ok = response[^2..] is [0x90, 0x00]
            && TlvTree.ReadTemplate(response.AsSpan(0, response.Length - 2), out var template) == TlvError.None
            && template.Tag == 0x70;
        Assert.That(ok, Is.EqualTo(readable));
    }

    [TestCase("emv_ttl_pcsc/test_pcsc_case_2_normal")]
    [TestCase("emv_ttl_pcsc/test_pcsc_case_4_normal")]
    [TestCase("emv_ttl_pcsc/test_pcsc_case_2_normal_advanced")]
    [TestCase("emv_ttl_pcsc/test_pcsc_case_4_normal_advanced")]
    [TestCase("emv_ttl_pcsc/test_pcsc_case_2_error_late")]
    [TestCase("emv_ttl_pcsc/test_pcsc_case_4_error_late")]
    public void The_channel_follows_61xx_and_6Cxx_exactly_as_recorded(string name)
    {
        var exchanges = Exchanges(name);
        var script = new ScriptedCard(exchanges);
        var channel = new IsoCardChannel(new SimulatedCardTransport(script));
        var result = channel.Transmit(exchanges[0].Command);

        Assert.That(script.Mismatches, Is.Empty);
        Assert.That(channel.ApduCount, Is.EqualTo(exchanges.Count));
        var last = exchanges[^1].Response;
        Assert.That(result.Response!.StatusWord, Is.EqualTo((last[^2] << 8) | last[^1]));
        if (result.Response.IsSuccess)
        {
            // The data is every chunk the card sent, in order, without the status words.
            var expected = exchanges.Where(e => e.Response.Length > 2).SelectMany(e => e.Response[..^2]).ToArray();
            Assert.That(result.Response.Data, Is.EqualTo(expected));
        }
    }

    /// <summary>Answers the recorded exchanges strictly in order, noting any command that differs from the recording.</summary>
    private sealed class ScriptedCard(List<RecordedExchange> exchanges) : ICardModel
    {
        private int _next;

        public List<string> Mismatches { get; } = [];

        public byte[] Atr { get; } = ContactlessAtr.Iso14443Part4([]);

        public void Reset() => _next = 0;

        public CardReply Process(ReadOnlySpan<byte> command)
        {
            if (_next >= exchanges.Count) return CardReply.Status(0x6F00);
            var expected = exchanges[_next++];
            if (expected.Command is not null && !command.SequenceEqual(expected.Command))
            {
                Mismatches.Add($"#{_next}: sent {Hex.Format(command)}, recorded {Hex.Format(expected.Command)}");
            }
            return CardReply.Answer(expected.Response);
        }
    }
}
