using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Validator.Daemon.Cli;

/// <summary>
/// Finds the card-token key: <c>Cards:TokenKeyFile</c> (raw bytes, the deployed form, 0600) or <c>Cards:TokenKey</c>
/// (base64). The key makes tokens comparable with the back office's lists, so every device of a fleet shares it.
/// </summary>
internal static class TokenKeySource
{
    public const int MinimumLength = Validator.Core.Cards.CardTokenizer.MinKeyLength;

    /// <summary>The configured key, or null when none is configured.</summary>
    public static byte[]? Load(IConfiguration configuration)
    {
        var file = configuration["Cards:TokenKeyFile"];
        if (!string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file)) throw new ConfigurationException($"Cards:TokenKeyFile '{file}' does not exist; run 'validator provision' or fix the path");
            // Whoever reads the key can turn a card number into its token and follow a student through the taps:
            // a key other users may read is refused rather than used (validator provision writes it 0600).
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & OthersAccess) != 0)
            {
                throw new ConfigurationException(
                    $"Cards:TokenKeyFile '{file}' is open to other users (mode {Octal(File.GetUnixFileMode(file))}); make it owner-only: chmod 600 '{file}' (and chown it to the service user)");
            }
            return Check(File.ReadAllBytes(file), $"the key file '{file}'");
        }
        var base64 = configuration["Cards:TokenKey"];
        if (string.IsNullOrWhiteSpace(base64)) return null;
        try
        {
            return Check(Convert.FromBase64String(base64), "Cards:TokenKey");
        }
        catch (FormatException)
        {
            throw new ConfigurationException("Cards:TokenKey is not base64; give at least 32 random bytes in base64 (e.g. 'openssl rand -base64 32')");
        }
    }

    private const UnixFileMode OthersAccess = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');

    /// <summary>A random key for this run only: tokens will not match any list, which the caller must say.</summary>
    public static byte[] Ephemeral() => RandomNumberGenerator.GetBytes(MinimumLength);

    private static byte[] Check(byte[] key, string where) => key.Length >= MinimumLength
        ? key
        : throw new ConfigurationException($"{where} holds {key.Length} bytes; the card-token key needs at least {MinimumLength}");
}

/// <summary>Configuration the validator cannot start with; the message says what to fix.</summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message) : base(message)
    {
    }

    public ConfigurationException()
    {
    }

    public ConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
