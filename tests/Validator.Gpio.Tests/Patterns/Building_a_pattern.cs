using Validator.Gpio.Patterns;

namespace Validator.Gpio.Tests.Patterns;

public class Building_a_pattern
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    [Test]
    public void Merges_the_light_and_sound_tracks_into_frames_at_every_edge()
    {
        var pattern = new PatternBuilder()
            .Light(Lamp.Red, 0, 500)
            .Beeps(600, onMs: 100, offMs: 100, count: 2)
            .Build("test", 800);

        Assert.That(pattern.Frames, Is.EqualTo(new[]
        {
            new FeedbackFrame(Ms(0), Lamp.Red, 600, false),
            new FeedbackFrame(Ms(100), Lamp.Red, 0, false),
            new FeedbackFrame(Ms(200), Lamp.Red, 600, false),
            new FeedbackFrame(Ms(300), Lamp.Red, 0, false),
            new FeedbackFrame(Ms(500), Lamp.None, 0, false),
        }));
    }

    [Test]
    public void Overlapping_lights_add_up_and_equal_neighbours_are_merged()
    {
        var pattern = new PatternBuilder()
            .Light(Lamp.Green, 0, 300)
            .Light(Lamp.Green, 300, 300)
            .Light(Lamp.Red, 200, 200)
            .Build("test", 600);

        Assert.That(pattern.Frames, Is.EqualTo(new[]
        {
            new FeedbackFrame(Ms(0), Lamp.Green, 0, false),
            new FeedbackFrame(Ms(200), Lamp.Green | Lamp.Red, 0, false),
            new FeedbackFrame(Ms(400), Lamp.Green, 0, false),
        }));
    }

    [Test]
    public void Anything_past_the_end_is_cut()
    {
        var pattern = new PatternBuilder().Light(Lamp.Amber, 0, 5000).Tone(1000, 900, 500).Build("test", 1000);

        Assert.Multiple(() =>
        {
            Assert.That(pattern.Frames.Select(f => f.Offset), Is.EqualTo(new[] { Ms(0), Ms(900) }));
            Assert.That(pattern.Length, Is.EqualTo(Ms(1000)));
        });
    }

    [TestCase(0, 0)]
    [TestCase(99, 0)]
    [TestCase(100, 1)]
    [TestCase(499, 3)]
    [TestCase(799, 4)]
    public void Finds_the_frame_showing_at_a_position(int ms, int expected)
    {
        var pattern = new PatternBuilder().Light(Lamp.Red, 0, 500).Beeps(600, 100, 100, 2).Build("test", 800);

        Assert.That(pattern.FrameAt(Ms(ms)), Is.EqualTo(expected));
    }

    [Test]
    public void Only_a_single_looping_frame_is_steady()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PatternTable.Ready.IsSteady, Is.True);
            Assert.That(PatternTable.Offline.IsSteady, Is.False);
            Assert.That(PatternTable.Accepted.IsSteady, Is.False);
        });
    }
}
