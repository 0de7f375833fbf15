namespace Validator.Core.Cards;

/// <summary>The command APDUs of the contactless read (EMV Book 1 11.3, Book 3 6.5).</summary>
internal static class EmvCommands
{
    /// <summary>The Proximity Payment System Environment name 2PAY.SYS.DDF01 (EMV Book B 3.3).</summary>
    public static ReadOnlySpan<byte> PpseName => "2PAY.SYS.DDF01"u8;

    /// <summary>PC/SC part 3 GET DATA for the UID (FF CA 00 00, Le 00 = all bytes).</summary>
    public static ReadOnlySpan<byte> GetUid => [0xFF, 0xCA, 0x00, 0x00, 0x00];

    /// <summary>SELECT by DF name, first or only occurrence, FCI requested, Le 00.</summary>
    public static byte[] Select(ReadOnlySpan<byte> name)
    {
        var command = new byte[6 + name.Length];
        command[1] = 0xA4;
        command[2] = 0x04;
        command[4] = (byte)name.Length;
        name.CopyTo(command.AsSpan(5));
        return command;
    }

    /// <summary>GET PROCESSING OPTIONS with the PDOL data wrapped in tag 83 (empty when the card has no PDOL).</summary>
    public static byte[] GetProcessingOptions(ReadOnlySpan<byte> pdolData)
    {
        var lengthBytes = pdolData.Length > 0x7F ? 2 : 1;
        var body = 1 + lengthBytes + pdolData.Length;
        var command = new byte[5 + body + 1];
        command[0] = 0x80;
        command[1] = 0xA8;
        command[4] = (byte)body;
        command[5] = 0x83;
        if (lengthBytes == 2)
        {
            command[6] = 0x81;
            command[7] = (byte)pdolData.Length;
        }
        else
        {
            command[6] = (byte)pdolData.Length;
        }
        pdolData.CopyTo(command.AsSpan(5 + 1 + lengthBytes));
        return command;
    }

    /// <summary>READ RECORD of record <paramref name="record"/> in file <paramref name="sfi"/> (P2 = SFI &lt;&lt; 3 | 4).</summary>
    public static byte[] ReadRecord(byte sfi, byte record) => [0x00, 0xB2, record, (byte)((sfi << 3) | 0x04), 0x00];

    /// <summary>GENERATE AC asking for an ARQC (P1 80), carrying the CDOL1 data.</summary>
    public static byte[] GenerateArqc(ReadOnlySpan<byte> cdolData)
    {
        var command = new byte[5 + cdolData.Length + 1];
        command[0] = 0x80;
        command[1] = 0xAE;
        command[2] = 0x80;
        command[4] = (byte)cdolData.Length;
        cdolData.CopyTo(command.AsSpan(5));
        return command;
    }
}
