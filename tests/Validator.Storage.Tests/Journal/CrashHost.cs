using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Validator.Storage.Tests.Journal;

/// <summary>Starts tests/Validator.Storage.CrashHost, which the test project builds but does not reference.</summary>
internal static class CrashHost
{
    public static ProcessStartInfo StartInfo(string journalDirectory, int seed, long? taps = null, string? wrapper = null, params string[] wrapperArguments)
    {
        var start = new ProcessStartInfo(wrapper ?? DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (wrapper is not null)
        {
            foreach (var argument in wrapperArguments) start.ArgumentList.Add(argument);
            start.ArgumentList.Add(DotnetHost());
        }

        start.ArgumentList.Add(DllPath());
        start.ArgumentList.Add(journalDirectory);
        start.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));
        if (taps is { } count) start.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        return start;
    }

    private static string DllPath()
    {
        var path = typeof(CrashHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CrashHostPath").Value!;
        Assert.That(File.Exists(path), Is.True, $"build the crash host first: {path}");
        return path;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
