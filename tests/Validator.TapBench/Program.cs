using System.Globalization;
using Validator.BenchKit;
using Validator.Simulation.Vpcd;
using Validator.TapBench;

// Usage: Validator.TapBench [--taps 1000] [--warmup 50] [--deny 1000000] [--apdu-delay-ms 0]
//                           [--profiles mastercard,visa,girocard,uid] [--storm-seconds N [--alloc-top N]] [--markdown path]
// The whole tap path as the daemon runs it, on real pcscd + vpcd: a virtual card is put on the reader, the monitor's
// card-present event starts the clock, the card is connected, read, decided against lists of the given size in the
// LiteDB store, journaled with fdatasync, and the clock stops at the first GPIO pin change of the feedback. Beside
// each tap, the floor: the same APDUs sent raw through the validator's libpcsclite binding, with no card-reading logic.
// With --storm-seconds: taps back to back for that long (no floor), reporting every GC pause meanwhile; with
// --alloc-top N also the N types that took the most of the allocation, sampled (a diagnosis, not a measurement).
if (args is [CardHost.ChildArgument, var hostProfile, var hostDelayMs]) return CardHost.RunChild(hostProfile, double.Parse(hostDelayMs, CultureInfo.InvariantCulture));
if (args is [MachineStallMeter.ChildArgument, var meterCpu, .. var watch]) return MachineStallMeter.RunChild(int.Parse(meterCpu, CultureInfo.InvariantCulture), watch.FirstOrDefault());
// The daemon's runtime environment (its systemd unit's DOTNET_ lines, GC knobs among them) takes effect only when a
// runtime starts: the bench runs itself again as a child with it, unless this is that child.
if (!DaemonEnvironment.IsApplied()) return UnitEnvironment.RunAgainWith(DaemonEnvironment.Variables(), args);
var arguments = new BenchArguments(args);
var taps = arguments.Count("taps", 1000);
var warmup = arguments.Count("warmup", 50);
var denyCount = arguments.Count("deny", 1_000_000);
var apduDelay = TimeSpan.FromMilliseconds(arguments.Number("apdu-delay-ms", 0));
var profiles = arguments.Text("profiles", "mastercard,visa,girocard,uid").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var stormSeconds = arguments.Number("storm-seconds", 0);
var allocTop = arguments.Count("alloc-top", 0);
arguments.RejectUnknown();
foreach (var profile in profiles) BenchCards.Create(profile); // an unknown name fails before the long preparation

var report = new BenchReport(arguments.Markdown);
using var rig = TapRig.Create(denyCount); // before the lock: building the lists needs no pcscd
using var machineLock = MachineLock.Take(TimeSpan.FromMinutes(30));
if (!PcscdProcess.TryAcquire(TimeSpan.FromSeconds(15), out var started, out var whyNot))
{
    Console.Error.WriteLine($"tap bench: no pcscd with vpcd: {whyNot}");
    return 2;
}
using var pcscd = started;
// Stopped from outside (build.ps1 interrupted, kill): stop the pcscd started here too, it would outlive the bench.
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => pcscd?.Dispose());
using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => pcscd?.Dispose());
rig.Start();
if (stormSeconds > 0)
{
    using var sampler = allocTop > 0 ? new AllocationSampler() : null;
    var served = GcStorm.Run(rig, profiles, TimeSpan.FromSeconds(stormSeconds), denyCount, report);
    foreach (var line in sampler?.Report(allocTop, served) ?? []) Console.WriteLine(line);
}
else
{
    TapPathRun.Run(rig, profiles, taps, warmup, apduDelay, denyCount, report);
}
report.Save();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done; {(report.AnyMissed ? "a target was missed" : "every target met")}"));
return 0;
