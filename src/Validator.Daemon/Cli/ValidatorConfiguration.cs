using Microsoft.Extensions.Configuration;

namespace Validator.Daemon.Cli;

/// <summary>
/// Where settings come from, later sources winning: the embedded defaults, /etc/validator/validator.json (or the file
/// named by VALIDATOR_CONFIG), then environment variables with the prefix VALIDATOR_ (e.g. VALIDATOR_Cards__TokenKey).
/// </summary>
internal static class ValidatorConfiguration
{
    public const string DefaultPath = "/etc/validator/validator.json";

    /// <summary>
    /// The configuration file, as a full path: a relative VALIDATOR_CONFIG is taken from the working directory, as a
    /// shell user means it (the JSON provider on its own would look for it next to the executable).
    /// </summary>
    public static string ConfigPath => Environment.GetEnvironmentVariable("VALIDATOR_CONFIG") is { Length: > 0 } path ? Path.GetFullPath(path) : DefaultPath;

    public static IConfiguration Load()
    {
        var path = ConfigPath;
        var builder = new ConfigurationBuilder();
        if (File.Exists(path))
        {
            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        else if (Environment.GetEnvironmentVariable("VALIDATOR_CONFIG") is { Length: > 0 })
        {
            throw new ConfigurationException($"VALIDATOR_CONFIG names '{path}', which does not exist");
        }
        builder.AddEnvironmentVariables("VALIDATOR_");
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigurationException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }
}
