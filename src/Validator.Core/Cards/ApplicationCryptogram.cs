namespace Validator.Core.Cards;

/// <summary>
/// The answer to GENERATE AC, for deployments that send cryptograms upstream. Its text form names the kind and ATC only:
/// the cryptogram and the data it signs stay out of logs.
/// </summary>
public sealed class ApplicationCryptogram
{
    /// <summary>Creates the record of one GENERATE AC answer.</summary>
    public ApplicationCryptogram(byte informationData, ushort transactionCounter, ReadOnlyMemory<byte> cryptogram,
        ReadOnlyMemory<byte> issuerApplicationData, ReadOnlyMemory<byte> cdol1Data)
    {
        InformationData = informationData;
        TransactionCounter = transactionCounter;
        Cryptogram = cryptogram;
        IssuerApplicationData = issuerApplicationData;
        Cdol1Data = cdol1Data;
    }

    /// <summary>Cryptogram Information Data (9F27): bits 8-7 give AAC, TC or ARQC.</summary>
    public byte InformationData { get; }

    /// <summary>Application Transaction Counter (9F36).</summary>
    public ushort TransactionCounter { get; }

    /// <summary>The application cryptogram (9F26), 8 bytes.</summary>
    public ReadOnlyMemory<byte> Cryptogram { get; }

    /// <summary>Issuer Application Data (9F10), needed by the issuer to verify the cryptogram.</summary>
    public ReadOnlyMemory<byte> IssuerApplicationData { get; }

    /// <summary>The CDOL1 data the terminal sent (amount, date, unpredictable number, ...), also needed to verify.</summary>
    public ReadOnlyMemory<byte> Cdol1Data { get; }

    /// <summary>AAC, TC, ARQC or RFU from the information data.</summary>
    public string Kind => (InformationData >> 6) switch
    {
        0 => "AAC",
        1 => "TC",
        2 => "ARQC",
        _ => "RFU",
    };

    /// <inheritdoc />
    public override string ToString() => $"{Kind}, ATC {TransactionCounter}";
}
