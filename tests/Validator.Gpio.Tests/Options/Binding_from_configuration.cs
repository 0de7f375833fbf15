using System.Text;
using Microsoft.Extensions.Configuration;
using Validator.Gpio.Options;

namespace Validator.Gpio.Tests.Options;

public class Binding_from_configuration
{
    private static FeedbackOptions Bind(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return configuration.GetSection(FeedbackOptions.SectionName).Get<FeedbackOptions>() ?? new FeedbackOptions();
    }

    [Test]
    public void The_sample_in_the_docs_binds_and_is_valid()
    {
        var docs = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "feedback.md"));
        var start = docs.IndexOf("\"Feedback\": {", StringComparison.Ordinal);
        var end = docs.IndexOf("```", start, StringComparison.Ordinal);
        Assume.That(start, Is.GreaterThan(0), "docs/feedback.md has a configuration sample");

        var options = Bind("{" + docs[start..end] + "}");

        Assert.Multiple(() =>
        {
            Assert.That(FeedbackOptionsValidator.Validate(options), Is.Empty);
            Assert.That(options.QuietHours.From, Is.EqualTo(new TimeOnly(21, 0)));
            Assert.That(options.QuietHours.Until, Is.EqualTo(new TimeOnly(6, 0)));
            Assert.That(options.QuietHours.VolumePercent, Is.EqualTo(20));
        });
    }

    [Test]
    public void Driver_and_buzzer_bind_by_name_and_amber_can_be_null_for_an_rgb_led()
    {
        var options = Bind("""{ "Feedback": { "Driver": "LibGpiodV2", "Buzzer": "Active", "BuzzerPin": 23, "AmberPin": null, "LedsActiveLow": true } }""");

        Assert.Multiple(() =>
        {
            Assert.That(options.Driver, Is.EqualTo(GpioDriverKind.LibGpiodV2));
            Assert.That(options.Buzzer, Is.EqualTo(BuzzerKind.Active));
            Assert.That(options.AmberPin, Is.Null);
            Assert.That(options.LedsActiveLow, Is.True);
            Assert.That(FeedbackOptionsValidator.Validate(options), Is.Empty);
        });
    }

    [Test]
    public void Missing_keys_keep_the_documented_defaults()
    {
        var options = Bind("""{ "Feedback": { } }""");

        Assert.Multiple(() =>
        {
            Assert.That((options.GreenPin, options.RedPin, options.AmberPin, options.BuzzerPin), Is.EqualTo((17, 27, (int?)22, 18)));
            Assert.That(options.Driver, Is.EqualTo(GpioDriverKind.LibGpiod));
            Assert.That(options.Buzzer, Is.EqualTo(BuzzerKind.Passive));
        });
    }
}
