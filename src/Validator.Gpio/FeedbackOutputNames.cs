namespace Validator.Gpio;

/// <summary>The names technicians type for <see cref="FeedbackOutput"/>: "green", "red", "amber", "buzzer".</summary>
public static class FeedbackOutputNames
{
    /// <summary>Every valid name, for help texts and error messages.</summary>
    public static IReadOnlyList<string> All { get; } = ["green", "red", "amber", "buzzer"];

    /// <summary>Parses a name, ignoring case and surrounding spaces; false for anything else (numbers included).</summary>
    public static bool TryParse(string? name, out FeedbackOutput output)
    {
        var index = -1;
        var trimmed = name?.Trim();
        for (var i = 0; i < All.Count && trimmed is not null; i++)
        {
            if (string.Equals(All[i], trimmed, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
            }
        }

        output = index < 0 ? default : (FeedbackOutput)index;
        return index >= 0;
    }
}
