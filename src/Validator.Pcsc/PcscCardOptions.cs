namespace Validator.Pcsc;

/// <summary>Timeouts for talking to a card through pcscd.</summary>
public sealed class PcscCardOptions
{
    /// <summary>Longest wait for one APDU's answer before the read is given up as a timeout.</summary>
    public TimeSpan ApduTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for SCardConnect (pcscd powers the card on connect).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
