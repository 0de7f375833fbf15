using Validator.Core.Feedback;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Simulation;

public class The_terminal_renderer
{
    private static TerminalLedRenderer RendererFor(FeedbackRig rig) =>
        new(rig.Driver, TerminalLedRenderer.TrafficLight(Green, Red, Amber), rig.Options.LedsActiveLow, pwm: rig.Pwm);

    [Test]
    public void Draws_ready_as_the_amber_led_alone()
    {
        using var rig = Start().Ready();

        Assert.That(RendererFor(rig).Render(useColor: false), Is.EqualTo("[ ] [ ] [A]  "));
    }

    [Test]
    public void Draws_an_accepted_beep_as_green_and_a_note()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Accepted);

        Assert.That(RendererFor(rig).Render(useColor: false), Is.EqualTo("[G] [ ] [ ] ♪"));
    }

    [Test]
    public void Colours_only_the_lit_leds()
    {
        using var rig = Start(o => o.LedsActiveLow = true).Ready();

        rig.Feedback.Show(TapSignal.Rejected);
        rig.Advance(250);

        Assert.That(RendererFor(rig).Render(useColor: true), Is.EqualTo("[ ] [\u001b[1;31mR\u001b[0m] [ ]  "));
    }

    [Test]
    public void Draws_an_active_buzzer_from_its_pin()
    {
        using var rig = Start(o =>
        {
            o.Buzzer = BuzzerKind.Active;
            o.BuzzerPin = 23;
        }).Ready();
        var renderer = new TerminalLedRenderer(rig.Driver, TerminalLedRenderer.TrafficLight(Green, Red, Amber), buzzerPin: 23);

        rig.Feedback.Show(TapSignal.TapAgain);

        Assert.That(renderer.Render(useColor: false), Is.EqualTo("[ ] [ ] [A] ♪"));
    }
}
