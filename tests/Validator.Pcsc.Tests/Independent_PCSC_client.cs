using Validator.Testing;
using System.Diagnostics;
using Validator.Simulation.Vpcd;

namespace Validator.Pcsc.Tests;

/// <summary>pcsc-tools, a PC/SC client we did not write, sees our virtual card and gets its answers.</summary>
[TestFixture]
[NonParallelizable]
public sealed class Independent_PCSC_client
{
    [SetUp]
    public void RequireTools()
    {
        PcscStack.RequireEmptyReader();
        if (!File.Exists("/usr/bin/scriptor") || !File.Exists("/usr/bin/pcsc_scan"))
        {
            PcscStack.Unavailable("needs pcsc-tools (scriptor, pcsc_scan): sudo apt-get install pcsc-tools");
        }
    }

    [Test]
    public void Pcsc_scan_lists_the_virtual_reader()
    {
        var output = Run("/usr/bin/pcsc_scan", ["-r"], stdin: null);
        Assert.That(output, Does.Contain(PcscStack.ReaderName));
    }

    [Test]
    public void Scriptor_gets_the_virtual_cards_answers()
    {
        using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), new VpcdOptions { Port = PcscStack.Port });
        card.Insert();
        var output = Run("/usr/bin/scriptor", ["-r", PcscStack.ReaderName], stdin: "00 CA 00 00 00\n80 CA 9F 17 04\n");
        // The echo card answers each command reversed, then 90 00.
        Assert.That(output, Does.Contain("< 00 00 00 CA 00 90 00"));
        Assert.That(output, Does.Contain("< 04 17 9F CA 80 90 00"));
        Assert.That(card.ApduCount, Is.EqualTo(2));
    }

    private static string Run(string tool, string[] arguments, string? stdin)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            Assert.Fail($"{tool} did not finish within 20 s");
        }
        return stdout.Result + stderr.Result;
    }
}
