namespace Validator.BenchKit;

/// <summary>
/// The runtime settings the daemon's systemd unit gives it (its <c>Environment=DOTNET_…</c> lines in
/// deploy/systemd/validator.service), so a bench measures the validator as it runs on a device. Some GC knobs exist
/// only as environment variables, which the runtime reads once at its start.
/// </summary>
public static class DaemonEnvironment
{
    /// <summary>The unit file, relative to the repository root.</summary>
    public const string UnitFile = "deploy/systemd/validator.service";

    /// <summary>The repository's root: the nearest directory above the program holding Validator.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Validator.sln"))) return d.FullName;
        }
        throw new DirectoryNotFoundException($"no Validator.sln above {AppContext.BaseDirectory}: run the bench from the repository");
    }

    private static readonly Lazy<IReadOnlyList<KeyValuePair<string, string>>> FromUnit = new(Read);

    /// <summary>The unit's DOTNET_ variables (telemetry opt-out aside: it is the SDK's, not the runtime's), in file order; read once.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Variables() => FromUnit.Value;

    private static List<KeyValuePair<string, string>> Read()
    {
        var path = Path.Combine(RepositoryRoot(), UnitFile);
        var variables = new List<KeyValuePair<string, string>>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (!line.StartsWith("Environment=DOTNET_", StringComparison.Ordinal)) continue;
            var assignment = line["Environment=".Length..];
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new FormatException($"{UnitFile}: cannot read '{raw}'");
            var name = assignment[..equals];
            if (name == "DOTNET_CLI_TELEMETRY_OPTOUT") continue;
            variables.Add(new(name, assignment[(equals + 1)..]));
        }
        return variables;
    }

    /// <summary>True when this process already runs with every one of <see cref="Variables"/>.</summary>
    public static bool IsApplied() => Variables().All(v => Environment.GetEnvironmentVariable(v.Key) == v.Value);

    /// <summary>
    /// The unit's variables as one line for a report, e.g. "DOTNET_GCConserveMemory=5", followed by any other runtime DOTNET_
    /// variable this process has from its caller's environment (the SDK's and the host's own aside), which would change
    /// what is measured and so must show in the report.
    /// </summary>
    public static string Describe()
    {
        var variables = Variables();
        var unit = variables.Count == 0 ? "no DOTNET_ variables" : string.Join(", ", variables.Select(v => $"{v.Key}={v.Value}"));
        var names = variables.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) && !names.Contains(k) && !IsToolingVariable(k))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")
            .ToList();
        return inherited.Count == 0 ? unit : $"{unit}; also set where the bench was started: {string.Join(", ", inherited)}";
    }

    private static bool IsToolingVariable(string name) =>
        name.StartsWith("DOTNET_CLI_", StringComparison.Ordinal) || name is "DOTNET_ROOT" or "DOTNET_NOLOGO"
            or "DOTNET_SKIP_FIRST_TIME_EXPERIENCE" or "DOTNET_GENERATE_ASPNET_CERTIFICATE" or "DOTNET_HOST_PATH" or "DOTNET_MSBUILD_SDK_RESOLVER_CLI_DIR"
            || name.StartsWith("DOTNET_ROOT_", StringComparison.Ordinal);
}
