namespace Validator.Gpio.Patterns;

/// <summary>A timeline of LED and buzzer frames; a one-shot pattern ends after <see cref="Length"/>, a looping one starts over.</summary>
internal sealed class FeedbackPattern
{
    /// <summary>Creates a pattern from frames sorted by offset, the first at zero.</summary>
    public FeedbackPattern(string name, IReadOnlyList<FeedbackFrame> frames, TimeSpan length, bool loops, bool bypassQuietHours = false)
    {
        if (frames.Count == 0 || frames[0].Offset != TimeSpan.Zero)
        {
            throw new ArgumentException("A pattern starts with a frame at offset zero.", nameof(frames));
        }

        for (var i = 1; i < frames.Count; i++)
        {
            if (frames[i].Offset <= frames[i - 1].Offset || frames[i].Offset >= length)
            {
                throw new ArgumentException($"Frame {i} of pattern '{name}' is out of order or past its end.", nameof(frames));
            }
        }

        Name = name;
        Frames = [.. frames];
        Length = length;
        Loops = loops;
        BypassQuietHours = bypassQuietHours;
        HasSound = frames.Any(f => f.ToneHz > 0);
    }

    /// <summary>A name for logs and tests.</summary>
    public string Name { get; }

    /// <summary>The frames in time order.</summary>
    public IReadOnlyList<FeedbackFrame> Frames { get; }

    /// <summary>How long the pattern runs (one-shot) or one cycle lasts (looping).</summary>
    public TimeSpan Length { get; }

    /// <summary>True for standing status patterns that repeat until replaced.</summary>
    public bool Loops { get; }

    /// <summary>True for the technician's test, which must be heard even in quiet hours.</summary>
    public bool BypassQuietHours { get; }

    /// <summary>True when any frame sounds the buzzer.</summary>
    public bool HasSound { get; }

    /// <summary>True when the pattern never changes once shown (one looping frame): no timer is needed.</summary>
    public bool IsSteady => Loops && Frames.Count == 1;

    /// <summary>The index of the frame showing at <paramref name="position"/> into the pattern.</summary>
    public int FrameAt(TimeSpan position)
    {
        var index = 0;
        while (index + 1 < Frames.Count && Frames[index + 1].Offset <= position)
        {
            index++;
        }

        return index;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
