namespace Validator.Simulation.Vpcd;

/// <summary>Where the vpcd reader listens and how the virtual card behaves on the wire.</summary>
public sealed class VpcdOptions
{
    /// <summary>The vpcd default port (0x8C7B), set by CHANNELID in /etc/reader.conf.d/vpcd; slot N listens on port + N.</summary>
    public const int DefaultPort = 35963;

    /// <summary>Host of the pcscd running the vpcd driver.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port of the vpcd slot to plug into.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Added before each APDU answer, to imitate a real card's radio time (e.g. 25 ms).</summary>
    public TimeSpan ApduDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Longest wait for vpcd to accept the connection when inserting.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
