using Validator.Pcsc;
namespace Validator.Testing;

/// <summary>A started reader monitor whose events are collected for waiting.</summary>
public sealed class MonitorRig : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public MonitorRig(ReaderMonitorOptions? options = null)
    {
        Monitor = new ReaderMonitor(options: options);
        Monitor.CardInserted += (_, e) => Events.Add(("inserted", e.ReaderName, e.Atr));
        Monitor.CardRemoved += (_, e) => Events.Add(("removed", e.ReaderName, e.Atr));
        Monitor.ReaderAttached += (_, e) => Events.Add(("attached", e.ReaderName, []));
        Monitor.ReaderDetached += (_, e) => Events.Add(("detached", e.ReaderName, []));
        Monitor.ServiceStateChanged += (_, e) => Events.Add((e.Available ? "service-up" : "service-down", e.Reason ?? string.Empty, []));
        Monitor.Start();
    }

    public ReaderMonitor Monitor { get; }

    public EventLog<(string Kind, string Reader, byte[] Atr)> Events { get; } = new();

    public (string Kind, string Reader, byte[] Atr) Expect(string kind, string reader = PcscStack.ReaderName) =>
        Events.WaitFor(e => e.Kind == kind && (e.Reader == reader || kind.StartsWith("service", StringComparison.Ordinal)), Patience, $"'{kind}' on {reader}");

    public void Dispose()
    {
        Monitor.Dispose();
        Events.Dispose();
    }
}
