using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Validator.TapBench;

/// <summary>Runs this bench again with the daemon's runtime environment, passing its output through and its stop on.</summary>
internal static class UnitEnvironment
{
    private const int SigTerm = 15;

    public static int RunAgainWith(IReadOnlyList<KeyValuePair<string, string>> variables, string[] args)
    {
        var start = SelfProcess.StartInfo(redirect: false, args);
        foreach (var (name, value) in variables) start.Environment[name] = value;
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the bench did not start again");
        // Stopped from outside (build.ps1 interrupted, kill): the child must stop too, and clean up its pcscd. Ctrl-C
        // reaches the child by itself (same process group); this process only waits for it.
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _ = Kill(child.Id, SigTerm);
        });
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        child.WaitForExit();
        return child.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
