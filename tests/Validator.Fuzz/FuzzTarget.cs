namespace Validator.Fuzz;

/// <summary>
/// One thing under test. <see cref="Run"/> builds one input from the random source it is given (so the seed and the
/// iteration number replay it), feeds it in and checks the oracle: it throws <see cref="OracleFailure"/> when the
/// code under test misbehaved; any other exception escaping is a finding too.
/// </summary>
internal abstract class FuzzTarget : IDisposable
{
    /// <summary>The name used with --target.</summary>
    public abstract string Name { get; }

    /// <summary>One input taking longer than this is reported as a hang and ends the run.</summary>
    public virtual TimeSpan InputTimeLimit => TimeSpan.FromSeconds(5);

    /// <summary>Share of the --seconds of an "all" run (weights are relative).</summary>
    public virtual double Weight => 1;

    /// <summary>Builds the seed corpus, starts servers; not timed.</summary>
    public virtual void Setup()
    {
    }

    /// <summary>Runs one input; <paramref name="input"/> receives what was fed in, for the report.</summary>
    public abstract void Run(Random random, FuzzInput input);

    /// <summary>A final check after the last input (the server still answers, nothing stored is garbage).</summary>
    public virtual void Finish()
    {
    }

    /// <summary>Counters worth printing beside execs/s (outcomes seen).</summary>
    public virtual string Stats() => "";

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops servers and removes scratch files.</summary>
    protected virtual void Cleanup()
    {
    }
}

/// <summary>What one iteration fed in: bytes (reported as hex unless they contain a card number) and how they were made.</summary>
internal sealed class FuzzInput
{
    public byte[]? Bytes { get; set; }

    public List<string> Steps { get; } = [];

    public void Reset()
    {
        Bytes = null;
        Steps.Clear();
    }
}

/// <summary>The code under test broke the oracle (as opposed to throwing by itself).</summary>
internal sealed class OracleFailure(string message) : Exception(message)
{
    public OracleFailure() : this("oracle failed") { }

    public OracleFailure(string message, Exception inner) : this(message + ": " + inner.Message) { }
}
