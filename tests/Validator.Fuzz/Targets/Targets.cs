namespace Validator.Fuzz.Targets;

/// <summary>The targets by name, in the order an "all" run takes them.</summary>
internal static class Targets
{
    public static IReadOnlyList<string> Names { get; } = ["tlv", "emv", "backoffice", "upstream", "liststore", "journal"];

    public static FuzzTarget? Create(string name) => name switch
    {
        "tlv" => new TlvTarget(),
        "emv" => new EmvTarget(),
        "backoffice" => new BackofficeTarget(),
        "upstream" => new UpstreamTarget(),
        "liststore" => new ListStoreTarget(),
        "journal" => new JournalTarget(),
        _ => null,
    };

    /// <summary>Share of an "all" run: the slow, file-based targets get more time to reach a useful number of inputs.</summary>
    public static double Weight(string name) => name switch
    {
        "tlv" => 1,
        "emv" => 1.5,
        "backoffice" => 1.5,
        "upstream" => 1,
        "liststore" => 2,
        _ => 1.5,
    };
}
