using Validator.Core.Cards;

namespace Validator.Fuzz.Targets;

/// <summary>
/// The BER-TLV and DOL parsers and every EMV structure parser on mutated card answers. Oracle: no exception, the
/// object count bounded by the input length, validation and search agree with the reader.
/// </summary>
internal sealed class TlvTarget : FuzzTarget
{
    private CardCorpus _corpus = null!;
    private readonly Outcomes _outcomes = new();

    public override string Name => "tlv";

    public override TimeSpan InputTimeLimit => TimeSpan.FromSeconds(2);

    public override void Setup() => _corpus = new CardCorpus();

    public override void Run(Random random, FuzzInput input)
    {
        var seed = _corpus.Answers[random.Next(_corpus.Answers.Count)];
        var data = random.Next(20) == 0 ? RandomBytes(random) : Mutator.MutateBinary(seed, _corpus.Answers, random, input);
        input.Bytes = data;

        var validation = TlvTree.Validate(data);
        _outcomes.Add(validation.ToString());
        var reader = new TlvReader(data);
        var count = 0;
        while (reader.TryRead(out var element))
        {
            if (++count > data.Length) throw new OracleFailure($"the reader returned more objects ({count}) than the input has bytes ({data.Length})");
            if (element.Value.Length > data.Length) throw new OracleFailure("an object's value is longer than the input");
        }
        if (validation == TlvError.None && reader.Error != TlvError.None)
            throw new OracleFailure($"Validate said the bytes are well formed but the reader stopped with {reader.Error}");

        _ = TlvTree.TryFind(data, 0x5A, out _);
        _ = TlvTree.TryFind(data, 0x9F4F, out _);
        TlvTree.ReadTemplate(data, out _);
        DolBuilder.TryBuild(data, new TerminalData(), out _);
        _ = DolReader.TotalLength(data, out var total);
        if (total < 0) throw new OracleFailure("a DOL's total length is negative");
        _ = Afl.TryParse(data, out _);
        _ = Track2.TryParse(data, new byte[Pan.MaxDigits], out _, new byte[4]);
        if (Pan.TryDecode(data, new byte[Pan.MaxDigits], out var digits) && digits is < Pan.MinDigits or > Pan.MaxDigits)
            throw new OracleFailure($"a PAN of {digits} digits was accepted");
        ApplicationDirectory.TryParsePpse(data, SupportedApplication.Defaults, out _);
        using var application = new ApplicationData();
        application.Absorb(data);
        var problem = EmvRead.ReadProcessingOptions(data, application, out _);
        if (PanGuard.TextHasPan(problem)) throw new OracleFailure("a processing options problem text holds a card number");
        _ = ApduResponse.TryParse(data, out _);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(300)];
        random.NextBytes(bytes);
        return bytes;
    }

    public override string Stats() => _outcomes.ToString();
}
