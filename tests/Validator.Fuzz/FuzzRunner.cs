using System.Diagnostics;
using System.Globalization;

namespace Validator.Fuzz;

/// <summary>
/// Runs one target for a while: input i is built from a random source seeded by (seed, i), so a finding is replayed
/// with --seed S --target X --replay i. A watchdog thread reports an input running past the target's time limit as a
/// hang and ends the process (a hung thread cannot be stopped).
/// </summary>
internal sealed class FuzzRunner(FuzzTarget target, int seed, TextWriter output)
{
    private const int MaxPrintedFindings = 10;
    private long _inputStarted;
    private long _iteration;
    private readonly FuzzInput _input = new();

    public long Execs { get; private set; }

    public int Findings { get; private set; }

    public static int InputSeed(int seed, long iteration)
    {
        // splitmix64 of (seed, iteration): neighbouring iterations get unrelated streams.
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)iteration + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    /// <summary>Runs for <paramref name="duration"/>, or only iteration <paramref name="replay"/> when given.</summary>
    public void Run(TimeSpan duration, long? replay)
    {
        target.Setup();
        var watchdog = new Thread(Watch) { IsBackground = true, Name = "fuzz-watchdog" };
        watchdog.Start();
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = replay ?? 0; replay is null ? clock.Elapsed < duration : i == replay; i++)
        {
            _input.Reset();
            Volatile.Write(ref _iteration, i);
            Volatile.Write(ref _inputStarted, Stopwatch.GetTimestamp());
            try
            {
                target.Run(new Random(InputSeed(seed, i)), _input);
            }
            catch (Exception e)
            {
                Findings++;
                // One report per kind of failure and place; the count says how often.
                var key = e is OracleFailure ? e.Message[..Math.Min(60, e.Message.Length)] : e.GetType().Name + (e.StackTrace?.Split('\n').FirstOrDefault() ?? "");
                if (seen.Add(key) && seen.Count <= MaxPrintedFindings) Report(i, e);
            }
            finally
            {
                Volatile.Write(ref _inputStarted, 0);
            }
            Execs++;
        }
        try
        {
            target.Finish();
        }
        catch (Exception e)
        {
            Findings++;
            _input.Reset();
            Report(-1, e);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target.Name} seed={seed} execs={Execs} seconds={seconds:0.0} execs_per_s={Execs / Math.Max(seconds, 1e-9):0} findings={Findings} {target.Stats()}"));
    }

    private void Report(long iteration, Exception e)
    {
        var kind = e is OracleFailure ? "oracle" : "exception " + e.GetType().FullName;
        output.WriteLine($"FINDING target={target.Name} seed={seed} iteration={iteration} ({kind})");
        output.WriteLine($"  replay: tests/fuzz.sh --target {target.Name} --seed {seed} --replay {iteration}");
        output.WriteLine($"  input:  {string.Join(" > ", _input.Steps)}");
        output.WriteLine($"  bytes:  {PanGuard.Describe(_input.Bytes)}");
        output.WriteLine($"  what:   {PanGuard.Safe(e is OracleFailure ? e.Message : e.ToString())}");
    }

    private void Watch()
    {
        var limit = target.InputTimeLimit;
        while (true)
        {
            Thread.Sleep(100);
            var started = Volatile.Read(ref _inputStarted);
            if (started == 0 || Stopwatch.GetElapsedTime(started) < limit) continue;
            var i = Volatile.Read(ref _iteration);
            output.WriteLine($"FINDING target={target.Name} seed={seed} iteration={i} (hang: one input ran past {limit.TotalSeconds:0.#} s)");
            output.WriteLine($"  replay: tests/fuzz.sh --target {target.Name} --seed {seed} --replay {i}");
            output.WriteLine($"  input:  {string.Join(" > ", _input.Steps)}");
            output.WriteLine($"  bytes:  {PanGuard.Describe(_input.Bytes)}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT target={target.Name} seed={seed} execs={Execs} findings={Findings + 1} hang=1"));
            output.Flush();
            Environment.Exit(3);
        }
    }
}
