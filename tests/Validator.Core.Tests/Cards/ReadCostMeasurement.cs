using System.Diagnostics;
using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards;

/// <summary>
/// Measures the in-process cost of one read per profile (no reader, no RF): time and bytes allocated.
/// Explicit: run with dotnet test tests/Validator.Core.Tests --filter "FullyQualifiedName~ReadCostMeasurement".
/// </summary>
[Explicit("measurement, prints numbers")]
public class ReadCostMeasurement
{
    [Test]
    public void Print_the_cost_of_one_read_per_profile()
    {
        var reader = new CardReader(Tap.Options());
        foreach (var name in new[] { "mastercard", "maestro", "visa", "girocard", "wallet", "uid" })
        {
            const int Reads = 5_000;
            var cards = Enumerable.Range(0, Reads).Select(_ => CardProfiles.Create(name)).ToArray();
            var channels = cards.Select(c => new IsoCardChannel(new SimulatedCardTransport(c))).ToArray();
            for (var i = 0; i < 200; i++) reader.Read(new IsoCardChannel(new SimulatedCardTransport(CardProfiles.Create(name))));

            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            var apdus = 0;
            foreach (var channel in channels) apdus = reader.Read(channel).ApduCount;
            clock.Stop();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            TestContext.Out.WriteLine($"{name,-10} {apdus} APDUs  {clock.Elapsed.TotalMicroseconds / Reads,7:F1} us/read  {allocated / Reads,6} B/read (card model included)");
        }
    }
}
