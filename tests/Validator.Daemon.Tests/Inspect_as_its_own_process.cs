using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Validator.Core.Cards;
using Validator.Simulation.Cards;
using Validator.Simulation.Vpcd;

namespace Validator.Daemon.Tests;

/// <summary><c>validator inspect</c> run as a separate process against the machine's pcscd, like any PC/SC client.</summary>
[TestFixture]
[NonParallelizable]
public sealed class Inspect_as_its_own_process
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private string _configFile = null!;

    /// <summary>A configuration of the test's own, so a validator installed on this machine (/etc/validator) plays no part.</summary>
    private Dictionary<string, string> Environment => new()
    {
        ["VALIDATOR_CONFIG"] = _configFile,
        ["VALIDATOR_Cards__TokenKey"] = Convert.ToBase64String(Key),
    };

    [OneTimeSetUp]
    public void WriteConfig()
    {
        _configFile = Path.Combine(Path.GetTempPath(), $"validator-inspect-{System.Environment.ProcessId}.json");
        File.WriteAllText(_configFile, "{ \"Cards\": { } }");
    }

    [OneTimeTearDown]
    public void DeleteConfig() => File.Delete(_configFile);

    [SetUp]
    public void RequirePcscd() => PcscStack.RequireEmptyReader();

    [Test]
    public void It_prints_one_JSON_line_per_card_with_what_was_read_and_never_the_PAN()
    {
        var salzlandkarte = new CardholderData("5413330089600010", "2812", 3);
        using var inspect = ValidatorProcess.Start(["inspect", "--json", "--count", "2", "--timeout", "60"], Environment);

        using var first = JsonDocument.Parse(Tap(inspect, CardProfiles.Mastercard(salzlandkarte)));
        using var second = JsonDocument.Parse(Tap(inspect, CardProfiles.Mifare([0x04, 0xA2, 0x3B, 0x91])));
        Assert.That(inspect.WaitForExit(Patience), Is.Zero, inspect.Output);

        var card = first.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(card.GetProperty("outcome").GetString(), Is.EqualTo("identified"));
            Assert.That(card.GetProperty("kind").GetString(), Is.EqualTo("emv"));
            Assert.That(card.GetProperty("brand").GetString(), Is.EqualTo("Mastercard"));
            Assert.That(card.GetProperty("aid").GetString(), Is.EqualTo("A0000000041010"));
            Assert.That(card.GetProperty("last4").GetString(), Is.EqualTo("0010"));
            Assert.That(card.GetProperty("expiry").GetString(), Is.EqualTo("2812"));
            // A minimal read stops at the record holding PAN and expiry, before the PSN (docs/cards.md).
            Assert.That(card.GetProperty("psn").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(card.GetProperty("par").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(card.GetProperty("token").GetString(), Is.EqualTo(ExpectedToken("5413330089600010")));
            Assert.That(card.GetProperty("apdus").GetInt32(), Is.EqualTo(4));
            Assert.That(card.GetProperty("ms").GetDouble(), Is.GreaterThan(0));
        });
        var uid = second.RootElement;
        Assert.That(uid.GetProperty("kind").GetString(), Is.EqualTo("uid"));
        Assert.That(uid.GetProperty("brand").GetString(), Is.EqualTo("MIFARE Classic 1K"));
        Assert.That(uid.GetProperty("apdus").GetInt32(), Is.EqualTo(1));

        // Not Does.Not.Contain(pan): a failing constraint would print the PAN into the test results.
        Assert.That(inspect.Output.Contains(salzlandkarte.Pan, StringComparison.Ordinal), Is.False, "the PAN appears in the output");
        Assert.That(PanScanner.Find(inspect.Output), Is.Empty);
    }

    [Test]
    public void With_a_PSN_carrying_card_the_text_form_names_every_field()
    {
        using var inspect = ValidatorProcess.Start(["inspect", "--count", "1", "--timeout", "60"], Environment);
        var firstLine = Tap(inspect, CardProfiles.Girocard());
        Assert.That(inspect.WaitForExit(Patience), Is.Zero, inspect.Output);
        Assert.That(firstLine, Does.StartWith("identified on Virtual PCD 00 00"));
        Assert.That(inspect.Output, Does.Contain("brand    girocard").And.Contain("last4    0019").And.Contain("psn      02"));
        Assert.That(PanScanner.Find(inspect.Output), Is.Empty);
    }

    [Test]
    public void A_pulled_card_is_reported_as_a_read_failure()
    {
        using var inspect = ValidatorProcess.Start(["inspect", "--json", "--count", "1", "--timeout", "60"], Environment);
        using var report = JsonDocument.Parse(Tap(inspect, CardProfiles.RemovedAfter(CardProfiles.Visa(), 1)));
        Assert.That(report.RootElement.GetProperty("outcome").GetString(), Is.EqualTo("read-failed"));
        Assert.That(report.RootElement.GetProperty("reason").GetString(), Is.EqualTo(nameof(CardReadReason.CardRemoved)));
        Assert.That(inspect.WaitForExit(Patience), Is.Zero);
    }

    [Test]
    public void With_no_card_it_exits_with_code_2_after_the_timeout()
    {
        using var inspect = ValidatorProcess.Start(["inspect", "--timeout", "1"], Environment);
        Assert.That(inspect.WaitForExit(Patience), Is.EqualTo(2));
        Assert.That(inspect.Output, Does.Contain("no card within 1 s"));
    }

    [Test]
    public void A_token_key_shorter_than_32_bytes_is_refused_with_what_to_fix()
    {
        var environment = Environment;
        environment["VALIDATOR_Cards__TokenKey"] = Convert.ToBase64String(new byte[16]);
        using var inspect = ValidatorProcess.Start(["inspect", "--timeout", "1"], environment);
        Assert.That(inspect.WaitForExit(Patience), Is.EqualTo(78));
        Assert.That(inspect.Output, Does.Contain("needs at least 32"));
    }

    /// <summary>
    /// Puts a card on the vpcd reader, waits for the inspecting process to print its first line about it (it prints
    /// after the read is done), then takes the card off and waits until pcscd sees the reader empty.
    /// </summary>
    private static string Tap(ValidatorProcess inspect, ICardModel model)
    {
        using var card = new VpcdCard(model, new VpcdOptions { Port = PcscStack.Port });
        card.Insert();
        var line = inspect.NextLine(Patience);
        card.Remove();
        PcscStack.RequireEmptyReader();
        return line;
    }

    private static string ExpectedToken(string pan)
    {
        using var hmac = new HMACSHA256(Key);
        return Convert.ToHexString(hmac.ComputeHash(Encoding.ASCII.GetBytes(pan)).AsSpan(0, 16));
    }
}
