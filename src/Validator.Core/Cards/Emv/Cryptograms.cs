namespace Validator.Core.Cards;

/// <summary>Gets an application cryptogram for deployments that ask for one (off by default, see <see cref="CardReaderOptions.RequestCryptogram"/>).</summary>
internal static class Cryptograms
{
    /// <summary>
    /// Takes the cryptogram a qVSDC card already gave in its GPO answer, else sends GENERATE AC (ARQC) per CDOL1.
    /// Returns null on success, or the attempt that ends this application.
    /// </summary>
    public static EmvRead.Attempt? Obtain(ReadSession session, ApplicationData data, byte[] pdolData, string aid,
        out ApplicationCryptogram? cryptogram, out ReadStop stop)
    {
        cryptogram = null;
        stop = default;
        if (data.HasCryptogram)
        {
            // qVSDC: the GPO already generated it and advanced the ATC; a second one would only add a counter gap.
            cryptogram = new ApplicationCryptogram(data.CryptogramInformation!.Value, data.TransactionCounter!.Value,
                data.Cryptogram!, data.IssuerApplicationData ?? [], pdolData);
            return null;
        }
        if (data.Cdol1 is null) return EmvRead.Attempt.Malformed($"{aid}: no CDOL1 (8C) for GENERATE AC");

        var error = DolBuilder.TryBuild(data.Cdol1, session.Terminal, out var cdolData);
        if (error != TlvError.None) return EmvRead.Attempt.Malformed($"{aid}: CDOL1 {error}");
        if (!session.TryTransmit(EmvCommands.GenerateArqc(cdolData), $"GENERATE AC {aid}", out var answer, out stop))
        {
            return EmvRead.Attempt.Stopped(stop);
        }
        if (!answer.IsSuccess) return EmvRead.Attempt.Malformed($"GENERATE AC {aid}: SW {ReadSession.Sw(answer)}");

        error = TlvTree.ReadTemplate(answer.Data, out var template);
        if (error != TlvError.None) return EmvRead.Attempt.Malformed($"GENERATE AC {aid}: TLV {error}");
        if (template.Tag == 0x80)
        {
            // EMV Book 3 6.5.5.4 format 1: CID (1), ATC (2), AC (8), then optional IAD.
            var value = template.Value;
            if (value.Length < 11) return EmvRead.Attempt.Malformed($"GENERATE AC {aid}: format 1 answer too short");
            cryptogram = new ApplicationCryptogram(value[0], (ushort)((value[1] << 8) | value[2]), value[3..11].ToArray(), value[11..].ToArray(), cdolData);
            return null;
        }
        if (template.Tag == 0x77)
        {
            using var fields = new ApplicationData();
            var problem = fields.Absorb(template.Value);
            if (problem is not null || !fields.HasCryptogram) return EmvRead.Attempt.Malformed($"GENERATE AC {aid}: format 2 answer without 9F26/9F27/9F36");
            cryptogram = new ApplicationCryptogram(fields.CryptogramInformation!.Value, fields.TransactionCounter!.Value,
                fields.Cryptogram!, fields.IssuerApplicationData ?? [], cdolData);
            return null;
        }
        return EmvRead.Attempt.Malformed($"GENERATE AC {aid}: answer is neither format 1 nor format 2");
    }
}
