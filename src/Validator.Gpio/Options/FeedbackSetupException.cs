namespace Validator.Gpio.Options;

/// <summary>The feedback hardware cannot be used as configured: invalid options, or pins or PWM that cannot be opened.</summary>
public sealed class FeedbackSetupException : Exception
{
    /// <summary>Creates the exception with a summary and the problems found.</summary>
    public FeedbackSetupException(string summary, IReadOnlyList<string> problems, Exception? innerException = null)
        : base(Format(summary, problems), innerException)
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with a summary and no further problems.</summary>
    public FeedbackSetupException(string summary)
        : this(summary, [])
    {
    }

    /// <summary>Creates the exception with a summary and no further problems.</summary>
    public FeedbackSetupException()
        : this("The feedback hardware cannot be used.")
    {
    }

    /// <summary>Creates the exception with a summary and its cause.</summary>
    public FeedbackSetupException(string summary, Exception innerException)
        : this(summary, [], innerException)
    {
    }

    /// <summary>Each problem on its own, naming the configuration key or pin involved.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string summary, IReadOnlyList<string> problems) =>
        problems is null || problems.Count == 0 ? summary : summary + ":" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p));
}
