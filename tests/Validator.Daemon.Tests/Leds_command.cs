using Validator.Gpio.Options;

namespace Validator.Daemon.Tests;

/// <summary><c>validator leds</c>: the technician drives each output by name; a stop never leaves one on.</summary>
[TestFixture]
public sealed class Leds_command
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private string _pinLog = null!;
    private string _config = null!;

    [SetUp]
    public void Files()
    {
        _pinLog = Path.Combine(Path.GetTempPath(), $"validator-leds-{Guid.NewGuid():N}.log");
        _config = Path.Combine(Path.GetTempPath(), $"validator-leds-{Guid.NewGuid():N}.json");
        File.WriteAllText(_config, "{ }");
    }

    [TearDown]
    public void Clean()
    {
        File.Delete(_pinLog);
        File.Delete(_config);
    }

    private Dictionary<string, string> Environment => new() { ["VALIDATOR_CONFIG"] = _config };

    [Test]
    public void SIGTERM_while_the_buzzer_sounds_turns_every_output_off_before_exit()
    {
        using var leds = ValidatorProcess.Start(["leds", "--output", "buzzer", "--seconds", "30", "--simulate", _pinLog], Environment);
        Assert.That(leds.NextLine(Patience), Is.EqualTo("buzzer on for 30 s"));
        WaitForLine(l => l.StartsWith("pwm on", StringComparison.Ordinal), "the buzzer started");

        leds.Terminate();
        Assert.That(leds.WaitForExit(Patience), Is.EqualTo(143), leds.Output);
        Assert.That(leds.Output, Does.Contain("stopped: all outputs off"));
        var final = FinalStates();
        Assert.That(final["pwm"], Is.EqualTo("off"), "no buzzer left sounding");
        Assert.That(final.Where(f => f.Key.StartsWith("pin", StringComparison.Ordinal)).Select(f => f.Value), Is.All.EqualTo("0"));
    }

    [Test]
    public void Each_output_is_driven_by_name_in_turn_and_left_off()
    {
        using var leds = ValidatorProcess.Start(["leds", "--seconds", "1", "--simulate", _pinLog], Environment);
        Assert.That(leds.WaitForExit(Patience), Is.Zero, leds.Output);
        Assert.That(leds.Output, Does.Contain("green on").And.Contain("red on").And.Contain("amber on").And.Contain("buzzer on"));
        var lines = ReadShared(_pinLog);
        var options = new FeedbackOptions();
        var litInOrder = lines.Where(l => l.EndsWith(" 1", StringComparison.Ordinal) && l.StartsWith("pin", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        // Between tests the player shows the device status again (amber for "starting"), so check the set, then the first.
        Assert.That(litInOrder, Is.EquivalentTo(new[] { options.GreenPin, options.RedPin, options.AmberPin!.Value }));
        Assert.That(litInOrder[0], Is.EqualTo(options.GreenPin));
        Assert.That(lines, Has.Some.StartsWith("pwm on"));
        Assert.That(FinalStates()["pwm"], Is.EqualTo("off"));
    }

    [Test]
    public void An_unknown_output_name_is_refused_with_the_names_that_exist()
    {
        using var leds = ValidatorProcess.Start(["leds", "--output", "blue", "--simulate", _pinLog], Environment);
        Assert.That(leds.WaitForExit(Patience), Is.EqualTo(64));
        Assert.That(leds.Output, Does.Contain("green, red, amber, buzzer"));
    }

    /// <summary>The last logged state of every pin and of the PWM channel.</summary>
    private Dictionary<string, string> FinalStates()
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal) { ["pwm"] = "off" };
        foreach (var parts in ReadShared(_pinLog).Select(l => l.Split(' ')))
        {
            if (parts[0] == "pin") states[$"pin {parts[1]}"] = parts[2];
            else states["pwm"] = parts[1];
        }
        return states;
    }

    /// <summary>Waits for the pin log to show a line; the simulated driver writes it as the change happens.</summary>
    private void WaitForLine(Func<string, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!(File.Exists(_pinLog) && ReadShared(_pinLog).Any(match)))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"the pin log never showed {what}");
            Thread.Sleep(20); // polling a file another process writes: there is no event to wait on
        }
    }

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
