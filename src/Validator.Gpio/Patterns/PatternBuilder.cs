namespace Validator.Gpio.Patterns;

/// <summary>
/// Builds a pattern from two independent tracks, light and sound, as docs/feedback.md describes them
/// ("red 1.5 s" and "2 beeps"), and merges them into one list of frames.
/// </summary>
internal sealed class PatternBuilder
{
    private readonly List<(TimeSpan From, TimeSpan Until, Lamp Lamp)> _lights = [];
    private readonly List<(TimeSpan From, TimeSpan Until, int Hz, bool Soft)> _sounds = [];

    /// <summary>Lights <paramref name="lamp"/> from <paramref name="fromMs"/> for <paramref name="lengthMs"/>.</summary>
    public PatternBuilder Light(Lamp lamp, int fromMs, int lengthMs)
    {
        _lights.Add((Ms(fromMs), Ms(fromMs + lengthMs), lamp));
        return this;
    }

    /// <summary>Blinks <paramref name="lamp"/> <paramref name="count"/> times, starting lit.</summary>
    public PatternBuilder Blink(Lamp lamp, int onMs, int offMs, int count, int fromMs = 0)
    {
        for (var i = 0; i < count; i++)
        {
            Light(lamp, fromMs + (i * (onMs + offMs)), onMs);
        }

        return this;
    }

    /// <summary>Sounds <paramref name="hz"/> from <paramref name="fromMs"/> for <paramref name="lengthMs"/>.</summary>
    public PatternBuilder Tone(int hz, int fromMs, int lengthMs, bool soft = false)
    {
        _sounds.Add((Ms(fromMs), Ms(fromMs + lengthMs), hz, soft));
        return this;
    }

    /// <summary>Sounds <paramref name="count"/> beeps of <paramref name="hz"/> with gaps between them.</summary>
    public PatternBuilder Beeps(int hz, int onMs, int offMs, int count, bool soft = false, int fromMs = 0)
    {
        for (var i = 0; i < count; i++)
        {
            Tone(hz, fromMs + (i * (onMs + offMs)), onMs, soft);
        }

        return this;
    }

    /// <summary>Merges the tracks into a pattern of <paramref name="lengthMs"/>; anything past the end is cut.</summary>
    public FeedbackPattern Build(string name, int lengthMs, bool loops = false, bool bypassQuietHours = false)
    {
        var length = Ms(lengthMs);
        var cuts = new SortedSet<TimeSpan> { TimeSpan.Zero };
        foreach (var (from, until, _) in _lights)
        {
            cuts.Add(from);
            cuts.Add(until);
        }

        foreach (var (from, until, _, _) in _sounds)
        {
            cuts.Add(from);
            cuts.Add(until);
        }

        var frames = new List<FeedbackFrame>();
        foreach (var at in cuts.Where(c => c < length))
        {
            var lamp = Lamp.None;
            foreach (var light in _lights.Where(l => l.From <= at && at < l.Until))
            {
                lamp |= light.Lamp;
            }

            var sound = _sounds.LastOrDefault(s => s.From <= at && at < s.Until);
            var frame = new FeedbackFrame(at, lamp, sound.Hz, sound.Hz > 0 && sound.Soft);
            if (frames.Count == 0 || frames[^1] with { Offset = at } != frame)
            {
                frames.Add(frame);
            }
        }

        return new FeedbackPattern(name, frames, length, loops, bypassQuietHours);
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}
