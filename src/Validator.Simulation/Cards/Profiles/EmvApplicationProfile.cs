namespace Validator.Simulation.Cards;

/// <summary>How a virtual card's GET PROCESSING OPTIONS answer is laid out (EMV Book 3 6.5.8.4).</summary>
public enum GpoFormat
{
    /// <summary>Format 1: template 80 holding AIP and AFL back to back.</summary>
    Format1,

    /// <summary>Format 2: template 77 with tagged AIP (82), AFL (94) and any extra data.</summary>
    Format2,
}

/// <summary>One payment application on a virtual EMV card: what it answers to SELECT, GPO, READ RECORD and GENERATE AC.</summary>
public sealed class EmvApplicationProfile
{
    /// <summary>The application identifier.</summary>
    public required byte[] Aid { get; init; }

    /// <summary>Application label (50).</summary>
    public string Label { get; init; } = "";

    /// <summary>Application priority indicator (87) in the PPSE; 0 leaves it out.</summary>
    public byte Priority { get; init; } = 1;

    /// <summary>PDOL (9F38) in the FCI; null when the application has none.</summary>
    public byte[]? Pdol { get; init; }

    /// <summary>The GPO answer format.</summary>
    public GpoFormat GpoFormat { get; init; } = GpoFormat.Format2;

    /// <summary>Application interchange profile (82).</summary>
    public byte[] Aip { get; init; } = [0x19, 0x80];

    /// <summary>Extra TLV objects in a format 2 GPO answer (qVSDC puts track 2 and the cryptogram here).</summary>
    public byte[] GpoData { get; init; } = [];

    /// <summary>True when the GPO answer carries a cryptogram, so every GPO advances the ATC (qVSDC).</summary>
    public bool GpoGeneratesCryptogram { get; init; }

    /// <summary>Records by (SFI, record number): the content of each 70 template. The AFL lists them in this order.</summary>
    public IReadOnlyList<((byte Sfi, byte Record) Key, byte[] Content)> Records { get; init; } = [];

    /// <summary>CDOL1 (8C); when set GENERATE AC is answered.</summary>
    public byte[]? Cdol1 { get; init; }

    /// <summary>Status word for SELECT of this application (9000, or 6A81 for a blocked one).</summary>
    public ushort SelectStatus { get; init; } = 0x9000;

    /// <summary>Status word for GPO (9000, or 6985 when the application refuses the transaction).</summary>
    public ushort GpoStatus { get; init; } = 0x9000;

    /// <summary>The Application File Locator listing <see cref="Records"/>: one entry per run of consecutive records.</summary>
    public byte[] Afl()
    {
        var afl = new List<byte>();
        var i = 0;
        while (i < Records.Count)
        {
            var (sfi, first) = Records[i].Key;
            var last = first;
            while (i + 1 < Records.Count && Records[i + 1].Key.Sfi == sfi && Records[i + 1].Key.Record == last + 1)
            {
                i++;
                last++;
            }
            afl.AddRange([(byte)(sfi << 3), first, last, 0]);
            i++;
        }
        return [.. afl];
    }
}
