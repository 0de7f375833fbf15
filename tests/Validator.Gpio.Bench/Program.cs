// Measures the time from handing a decision to the feedback sink (Show) to the first pin change the driver sees,
// over the simulated GPIO driver and PWM channel, on the system clock.
// Usage: dotnet run -c Release --project tests/Validator.Gpio.Bench [iterations] [--markdown path]
using System.Diagnostics;
using System.Globalization;
using Validator.BenchKit;
using Validator.Core.Feedback;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;

var arguments = new BenchArguments(args);
arguments.RejectUnknown();
var iterations = arguments.PositionalCount(0, 20_000);
const int Warmup = 2_000;
const double TargetMs = 1;
var report = new BenchReport(arguments.Markdown);

// Consecutive signals light different LEDs, so every Show has a first pin change to measure.
TapSignal[] cycle = [TapSignal.Accepted, TapSignal.Rejected, TapSignal.TapAgain, TapSignal.AlreadyValidated, TapSignal.RejectedDenyList];

var driver = new SimulatedGpioDriver();
using var pwm = new SimulatedPwmChannel();
using var feedback = GpioFeedback.Open(new FeedbackOptions(), driver, pwm);
feedback.SetStatus(DeviceStatus.Ready);

long firstChange = 0;
driver.PinChanged += (_, change) =>
{
    if (firstChange == 0)
    {
        firstChange = change.Timestamp;
    }
};

var rows = new List<IReadOnlyList<string>>();
var targets = new List<(string Run, double P99)>();
Run("back-to-back (each tap pre-empts the last)", paced: false);
Run("paced (1 ms between taps, player timer running)", paced: true);
report.Table(
    string.Create(CultureInfo.InvariantCulture,
        $"Feedback: decision handed to `GpioFeedback.Show` → first pin change the simulated GPIO driver sees, in process, {iterations:N0} taps per run after {Warmup:N0} warm-up; allocation per `Show` on the calling thread:"),
    ["run", "measured", .. Latencies.Headers, "allocated per Show"],
    rows);
foreach (var (run, p99) in targets) report.Target($"feedback {run}: decision → first pin change p99 ≤ {TargetMs:F0} ms", p99 <= TargetMs, Latencies.Us(p99));
report.Save();
return 0;

void Run(string name, bool paced)
{
    var toFirstChange = new Latencies();
    var showReturned = new Latencies();
    long allocated = 0;
    for (var i = -Warmup; i < iterations; i++)
    {
        if (paced)
        {
            Thread.Sleep(1);
        }

        var signal = cycle[((i % cycle.Length) + cycle.Length) % cycle.Length];
        firstChange = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        feedback.Show(signal);
        var end = Stopwatch.GetTimestamp();
        var after = GC.GetAllocatedBytesForCurrentThread();
        if (firstChange == 0)
        {
            throw new InvalidOperationException($"Show({signal}) made no pin change on the caller's thread.");
        }

        if (i >= 0)
        {
            toFirstChange.Add(Stopwatch.GetElapsedTime(start, firstChange).TotalMilliseconds);
            showReturned.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            allocated += after - before;
        }

        // The simulators keep their latest changes; drop them (capacity stays) so the history's growth is not counted.
        driver.ClearChanges();
        pwm.ClearChanges();
    }

    var perShow = string.Create(CultureInfo.InvariantCulture, $"{allocated / (double)iterations:0.#} bytes");
    rows.Add([name, "decision → first pin change", .. toFirstChange.CellsInMicroseconds(), perShow]);
    rows.Add([name, "`Show()` returned", .. showReturned.CellsInMicroseconds(), perShow]);
    targets.Add((name, toFirstChange.P(0.99)));
}
