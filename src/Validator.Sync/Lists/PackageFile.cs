using System.Text.Json;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Sync.Lists;

/// <summary>
/// Reads a downloaded (and verified) list package from its file without holding it: a scan for the header and the
/// number of entries in each content field, and the deny snapshot's entries one at a time. Small packages (policy,
/// entitlements, deltas) are read whole as a <see cref="ListPackage"/>. Malformed JSON throws <see cref="JsonException"/>.
/// </summary>
internal static class PackageFile
{
    /// <summary>
    /// Reads the whole file once: header fields and content counts; <paramref name="onDenyToken"/> sees the token of
    /// each entry of a deny snapshot (read in place: the entries themselves are parsed when applied). Throws
    /// <see cref="JsonException"/> when the file is not a list package.
    /// </summary>
    public static PackageScan Scan(string path, Action<CardToken>? onDenyToken)
    {
        var scan = new PackageScan();
        var tokens = new TokenSink(onDenyToken);
        foreach (var _ in Walk(path, scan, tokens)) { }
        _ = scan.Header; // throws when a required field is missing
        return scan;
    }

    /// <summary>The deny snapshot's entries, parsed from the file one at a time as they are enumerated.</summary>
    public static IEnumerable<DenyEntry> DenyEntries(string path) => Walk(path, new PackageScan(), null);

    /// <summary>The whole package as an object; for the small ones.</summary>
    public static ListPackage Read(string path)
    {
        using var file = File.OpenRead(path);
        return JsonSerializer.Deserialize(file, SyncJsonContext.Default.ListPackage) ?? throw new JsonException("the package is null");
    }

    /// <summary>
    /// Walks the package, recording header and counts in <paramref name="scan"/>. Deny snapshot entries are parsed and
    /// yielded, or, with <paramref name="tokens"/>, only their tokens are read and handed to it (nothing is yielded).
    /// </summary>
    private static IEnumerable<DenyEntry> Walk(string path, PackageScan scan, TokenSink? tokens)
    {
        using var window = new JsonWindow(File.OpenRead(path));
        if (window.Next(Token) != JsonTokenType.StartObject) throw new JsonException("a list package is a JSON object");
        while (window.Next(PropertyName) is { } name)
        {
            switch (name)
            {
                case "list":
                    scan.List = ListKinds.TryParse(window.Next(Text), out var kind) ? kind : throw new JsonException("unknown list");
                    break;
                case "format":
                    scan.Format = window.Next(Text) switch
                    {
                        "snapshot" => ListPackageFormat.Snapshot,
                        "delta" => ListPackageFormat.Delta,
                        _ => throw new JsonException("unknown package format"),
                    };
                    break;
                case "version": scan.Version = window.Next(Int64); break;
                case "fromVersion": scan.FromVersion = window.Next(Int64); break;
                case "createdAt": scan.CreatedAt = window.Next(Time); break;
                case "expiresAt": scan.ExpiresAt = window.Next(Time); break;
                case "entryCount": scan.EntryCount = window.Next(Int32); break;
                case "denyEntries":
                    if (window.Next(ArrayOrNull) is not true)
                    {
                        scan.DenyEntries = null;
                        break;
                    }
                    var count = 0;
                    if (tokens is not null)
                    {
                        while (window.Next(tokens.Next)) count++;
                    }
                    else
                    {
                        while (window.Next(NextDenyEntry) is { } entry)
                        {
                            count++;
                            yield return entry;
                        }
                    }
                    scan.DenyEntries = count;
                    break;
                case "denyAdded": scan.DenyAdded = CountElements(window); break;
                case "denyRemoved": scan.DenyRemoved = CountElements(window); break;
                case "entitlements": scan.Entitlements = CountElements(window); break;
                case "entitlementsAdded": scan.EntitlementsAdded = CountElements(window); break;
                case "entitlementsRemoved": scan.EntitlementsRemoved = CountElements(window); break;
                case "policy": scan.Policy = window.Next(SkipValue); break;
                default: window.Next(SkipValue); break; // unknown fields are ignored, as the serializer does
            }
        }
    }

    private static int? CountElements(JsonWindow window)
    {
        if (window.Next(ArrayOrNull) is not true) return null;
        var count = 0;
        while (window.Next(SkipElement)) count++;
        return count;
    }

    private static void Advance(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("the package ends early, or holds a single value longer than " + JsonWindow.Ahead + " bytes");
    }

    private static JsonTokenType Token(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        return reader.TokenType;
    }

    private static string? PropertyName(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.EndObject => null,
            JsonTokenType.PropertyName => reader.GetString(),
            _ => throw new JsonException("expected a field of the package"),
        };
    }

    private static string? Text(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        return reader.GetString();
    }

    private static long Int64(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        return reader.GetInt64();
    }

    private static int Int32(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        return reader.GetInt32(); // a number out of range is a FormatException, malformed like any other
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        return reader.GetDateTimeOffset();
    }

    /// <summary>True at the start of an array, false for null; anything else is malformed.</summary>
    private static bool ArrayOrNull(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.StartArray => true,
            JsonTokenType.Null => false,
            _ => throw new JsonException("expected a list of entries"),
        };
    }

    /// <summary>The next deny entry of the array, or null at its end.</summary>
    private static DenyEntry? NextDenyEntry(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        if (reader.TokenType == JsonTokenType.EndArray) return null;
        return JsonSerializer.Deserialize(ref reader, SyncJsonContext.Default.DenyEntry) ?? throw new JsonException("a deny entry is null");
    }

    /// <summary>Reads the token of each deny entry without building the entry (no allocation per entry).</summary>
    private sealed class TokenSink(Action<CardToken>? onToken)
    {
        /// <summary>Reads one entry of the array for its token; false at the array's end.</summary>
        public bool Next(ref Utf8JsonReader reader)
        {
            Advance(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return false;
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a deny entry is an object");
            CardToken? token = null;
            while (true)
            {
                Advance(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var isToken = reader.ValueTextEquals("token"u8);
                Advance(ref reader);
                if (isToken) token = CardTokenJsonConverter.ReadToken(ref reader);
                else Skip(ref reader);
            }
            if (token is not { } found) throw new JsonException("a deny entry has no token");
            onToken?.Invoke(found);
            return true;
        }
    }

    /// <summary>Skips the next element of an array; false at its end.</summary>
    private static bool SkipElement(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        if (reader.TokenType == JsonTokenType.EndArray) return false;
        Skip(ref reader);
        return true;
    }

    /// <summary>Skips a value; true when it was not null.</summary>
    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        Advance(ref reader);
        var present = reader.TokenType != JsonTokenType.Null;
        Skip(ref reader);
        return present;
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        if (!reader.TrySkip()) throw new JsonException("the package ends early, or holds a single value longer than " + JsonWindow.Ahead + " bytes");
    }

    /// <summary>
    /// A JSON reader over a file in a fixed buffer. Each <see cref="Next{T}"/> runs one small step (a token, one entry)
    /// with at least <see cref="Ahead"/> bytes of the file in the buffer (or all that is left), so any value shorter
    /// than that is whole when a step reads it; the reader's state carries over from step to step.
    /// </summary>
    private sealed class JsonWindow(Stream stream) : IDisposable
    {
        public const int Ahead = 1 << 16;
        private readonly byte[] _buffer = new byte[2 * Ahead];
        private int _start;
        private int _end;
        private bool _final;
        private JsonReaderState _state;

        public delegate T Step<out T>(ref Utf8JsonReader reader);

        public T Next<T>(Step<T> step)
        {
            Fill();
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            T result;
            try
            {
                result = step(ref reader);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
            {
                throw new JsonException(e.Message, e); // a value of the wrong type or out of range
            }
            _start += checked((int)reader.BytesConsumed);
            _state = reader.CurrentState;
            return result;
        }

        public void Dispose() => stream.Dispose();

        private void Fill()
        {
            if (_final || _end - _start >= Ahead) return;
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
            while (_end < _buffer.Length)
            {
                var read = stream.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                {
                    _final = true;
                    return;
                }
                _end += read;
            }
        }
    }
}

/// <summary>What a scan of a package file found: the header fields, and how many entries each content field holds (null when absent).</summary>
internal sealed class PackageScan
{
    public ListKind? List { get; set; }
    public ListPackageFormat? Format { get; set; }
    public long? Version { get; set; }
    public long FromVersion { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public int? EntryCount { get; set; }
    public int? DenyEntries { get; set; }
    public int? DenyAdded { get; set; }
    public int? DenyRemoved { get; set; }
    public int? Entitlements { get; set; }
    public int? EntitlementsAdded { get; set; }
    public int? EntitlementsRemoved { get; set; }
    public bool Policy { get; set; }

    /// <summary>The entries the content actually holds, to compare with the stated entry count.</summary>
    public int Total =>
        (DenyEntries ?? 0) + (DenyAdded ?? 0) + (DenyRemoved ?? 0) + (Entitlements ?? 0) + (EntitlementsAdded ?? 0) + (EntitlementsRemoved ?? 0) + (Policy ? 1 : 0);

    /// <summary>The header as a package without content; throws <see cref="JsonException"/> when a required field is missing.</summary>
    public ListPackage Header => new()
    {
        List = List ?? throw Missing("list"),
        Format = Format ?? throw Missing("format"),
        Version = Version ?? throw Missing("version"),
        FromVersion = FromVersion,
        CreatedAt = CreatedAt ?? throw Missing("createdAt"),
        ExpiresAt = ExpiresAt ?? throw Missing("expiresAt"),
        EntryCount = EntryCount ?? throw Missing("entryCount"),
    };

    private static JsonException Missing(string field) => new($"the package has no '{field}'");
}
