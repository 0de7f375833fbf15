// Measures the time from handing a decision to the feedback sink (Show) to the first pin change the driver sees,
// over the simulated GPIO driver and PWM channel, on the system clock.
// Usage: dotnet run -c Release --project tests/Validator.Gpio.Bench [iterations]
using System.Diagnostics;
using System.Globalization;
using Validator.Core.Feedback;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;

var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
const int Warmup = 2_000;

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

Console.WriteLine($"Feedback bench: {iterations} taps per run, {Warmup} warm-up, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {RuntimeInformationText()}");
Run("back-to-back (each tap pre-empts the last)", paced: false);
Run("paced (1 ms between taps, player timer running)", paced: true);

void Run(string name, bool paced)
{
    var toFirstChange = new double[iterations];
    var showReturned = new double[iterations];
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
            toFirstChange[i] = Stopwatch.GetElapsedTime(start, firstChange).TotalMicroseconds;
            showReturned[i] = Stopwatch.GetElapsedTime(start, end).TotalMicroseconds;
            allocated += after - before;
        }

        // The simulators keep every change; drop them (capacity stays) so their lists' growth is not counted.
        driver.ClearChanges();
        pwm.ClearChanges();
    }

    Console.WriteLine();
    Console.WriteLine(name);
    Console.WriteLine($"  decision -> first pin change: {Summary(toFirstChange)}");
    Console.WriteLine($"  Show() returned after:        {Summary(showReturned)}");
    Console.WriteLine($"  allocated per Show: {allocated / (double)iterations:0.#} bytes");
}

static string Summary(double[] microseconds)
{
    Array.Sort(microseconds);
    return string.Create(
        CultureInfo.InvariantCulture,
        $"median {At(microseconds, 0.50):0.00} us, p90 {At(microseconds, 0.90):0.00} us, p99 {At(microseconds, 0.99):0.00} us, max {microseconds[^1]:0.00} us");
}

static double At(double[] sorted, double quantile) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(quantile * sorted.Length) - 1)];

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.OSDescription + " " + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture;
