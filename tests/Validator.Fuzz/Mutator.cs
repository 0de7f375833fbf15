using System.Text;
using System.Text.Json;

namespace Validator.Fuzz;

/// <summary>
/// Mutations of a seed input, one to four stacked: byte-level (bit flips, interesting bytes, truncation, insertion,
/// deletion, duplication, splicing with another seed), BER-TLV-aware (length bytes edited, tags made multi-byte,
/// objects wrapped in templates, deep nesting) and JSON-aware (a token replaced by an odd value).
/// Each step is named in <see cref="FuzzInput.Steps"/>.
/// </summary>
internal static class Mutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0xFE, 0xFF, 0x1F, 0x20, 0x3F, 0x9F, 0xBF, 0xDF];

    private static readonly string[] InterestingJson =
    [
        "null", "true", "false", "0", "-1", "1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1.5", "\"\"",
        "\"x\"", "[]", "{}", "[[[[[[[[[[]]]]]]]]]]", "\"\\u0000\"", "\"\\ud800\"", "\"" + new string('9', 19) + "\"",
        "\"9999-99-99\"", "\"2026-02-30\"", "\"00:00:00\"", "\"-10675199.02:48:05.4775808\"", "\"P1D\"", "\"deny\"", "\"stolen\"",
        "\"0123456789ABCDEF0123456789ABCDEF\"", "\"0123456789abcdef0123456789abcdeG\"", "\"" + new string('A', 300) + "\"",
        "{\"a\":1,\"a\":2}", "\"bus-b\"", "2147483648", "\"\\/Date(0)\\/\"",
    ];

    /// <summary>Byte-level and BER-TLV-aware mutations, for card answers and binary files.</summary>
    public static byte[] MutateBinary(byte[] seed, IReadOnlyList<byte[]> corpus, Random random, FuzzInput input, bool tlvAware = true)
    {
        var data = seed.ToList();
        var count = 1 + random.Next(4);
        for (var n = 0; n < count; n++)
        {
            var op = random.Next(tlvAware ? 14 : 9);
            input.Steps.Add(ApplyBinary(op, data, corpus, random));
        }
        return [.. data];
    }

    private static string ApplyBinary(int op, List<byte> data, IReadOnlyList<byte[]> corpus, Random random)
    {
        if (data.Count == 0 && op is not (3 or 8 or 12)) op = 3;
        var at = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (op)
        {
            case 0:
                var bit = random.Next(8);
                data[at] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {at}";
            case 1:
                data[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                return $"interesting byte at {at}";
            case 2:
                data[at] = (byte)random.Next(256);
                return $"random byte at {at}";
            case 3:
                var insert = new byte[1 + random.Next(random.Next(2) == 0 ? 4 : 64)];
                random.NextBytes(insert);
                data.InsertRange(Math.Min(at, data.Count), insert);
                return $"insert {insert.Length} at {at}";
            case 4:
                data.RemoveRange(at, data.Count - at);
                return $"truncate to {at}";
            case 5:
                var remove = Math.Min(1 + random.Next(16), data.Count - at);
                data.RemoveRange(at, remove);
                return $"delete {remove} at {at}";
            case 6:
                var length = Math.Min(1 + random.Next(32), data.Count - at);
                var copy = data.GetRange(at, length);
                data.InsertRange(random.Next(data.Count + 1), copy);
                return $"duplicate {length} from {at}";
            case 7:
                // Arithmetic on a byte, as length counters are often one off.
                var delta = random.Next(2) == 0 ? 1 : -1;
                data[at] = unchecked((byte)(data[at] + delta * (1 + random.Next(3))));
                return $"add to byte at {at}";
            case 8:
                var other = corpus[random.Next(corpus.Count)];
                var from = other.Length == 0 ? 0 : random.Next(other.Length);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.AsSpan(from).ToArray());
                return $"splice at {at} with another seed from {from}";
            case 9:
                return EditLength(data, random);
            case 10:
                return WrapInTemplate(data, random);
            case 11:
                var tags = Positions(data, wantTags: true);
                if (tags.Count == 0) goto case 2;
                var tagAt = tags[random.Next(tags.Count)];
                data[tagAt] |= 0x1F;
                data.Insert(tagAt + 1, (byte)(random.Next(2) == 0 ? 0x80 | random.Next(128) : random.Next(128)));
                return $"multi-byte tag at {tagAt}";
            case 12:
                var depth = random.Next(2) == 0 ? 1 + random.Next(10) : 9 + random.Next(300);
                var nested = data.ToArray();
                for (var d = 0; d < depth; d++) nested = Template(0x70, nested);
                data.Clear();
                data.AddRange(nested);
                return $"nest {depth} deep";
            default:
                var objects = Objects(data);
                if (objects.Count < 1) goto case 6;
                var (start, end) = objects[random.Next(objects.Count)];
                var element = data.GetRange(start, end - start);
                data.InsertRange(random.Next(2) == 0 ? start : end, element);
                return $"repeat object at {start}";
        }
    }

    /// <summary>Sets one BER length byte to an edge value: ±1, 0, 7F, 80, 81/82/83 forms, or past the end.</summary>
    private static string EditLength(List<byte> data, Random random)
    {
        var lengths = Positions(data, wantTags: false);
        if (lengths.Count == 0) return ApplyBinary(7, data, [], random);
        var at = lengths[random.Next(lengths.Count)];
        byte[] replacement = random.Next(8) switch
        {
            0 => [unchecked((byte)(data[at] + 1))],
            1 => [unchecked((byte)(data[at] - 1))],
            2 => [0x00],
            3 => [0x7F],
            4 => [0x80],
            5 => [0x81, data[at]],
            6 => [0x82, 0xFF, 0xFF],
            _ => [0x83, 0x00, 0x00, data[at]],
        };
        data.RemoveAt(at);
        data.InsertRange(at, replacement);
        return $"length at {at} -> {Convert.ToHexString(replacement)}";
    }

    private static string WrapInTemplate(List<byte> data, Random random)
    {
        var objects = Objects(data);
        byte[] tags = [0x70, 0x77, 0x6F, 0xA5, 0x61, 0xBF];
        var tag = tags[random.Next(tags.Length)];
        if (objects.Count == 0)
        {
            var all = Template(tag, [.. data]);
            data.Clear();
            data.AddRange(all);
            return $"wrap all in {tag:X2}";
        }
        var (start, end) = objects[random.Next(objects.Count)];
        var wrapped = Template(tag, data.GetRange(start, end - start).ToArray());
        data.RemoveRange(start, end - start);
        data.InsertRange(start, wrapped);
        return $"wrap object at {start} in {tag:X2}";
    }

    private static byte[] Template(byte tag, byte[] content)
    {
        var header = new List<byte> { tag };
        if (tag == 0xBF) header.Add(0x0C);
        if (content.Length < 0x80) header.Add((byte)content.Length);
        else if (content.Length < 0x100) header.AddRange([0x81, (byte)content.Length]);
        else header.AddRange([0x82, (byte)(content.Length >> 8), (byte)content.Length]);
        return [.. header, .. content];
    }

    /// <summary>Tag or length byte positions found by a simple independent BER walk (stops where the bytes stop making sense).</summary>
    private static List<int> Positions(List<byte> data, bool wantTags)
    {
        var result = new List<int>();
        foreach (var (start, _, lengthAt) in Walk(data, 0, data.Count, 0)) result.Add(wantTags ? start : lengthAt);
        return result;
    }

    private static List<(int Start, int End)> Objects(List<byte> data) => Walk(data, 0, data.Count, 0).Select(o => (o.Start, o.End)).ToList();

    private static List<(int Start, int End, int LengthAt)> Walk(List<byte> data, int from, int to, int depth)
    {
        var found = new List<(int, int, int)>();
        var i = from;
        while (i < to && depth < 10)
        {
            if (data[i] is 0x00 or 0xFF)
            {
                i++;
                continue;
            }
            var start = i;
            var constructed = (data[i] & 0x20) != 0;
            if ((data[i++] & 0x1F) == 0x1F)
            {
                while (i < to && (data[i] & 0x80) != 0) i++;
                i++;
            }
            if (i >= to) break;
            var lengthAt = i;
            int length = data[i++];
            if (length == 0x81 && i < to) length = data[i++];
            else if (length == 0x82 && i + 1 < to)
            {
                length = (data[i] << 8) | data[i + 1];
                i += 2;
            }
            else if (length > 0x7F) break;
            if (i + length > to) break;
            found.Add((start, i + length, lengthAt));
            if (constructed) found.AddRange(Walk(data, i, i + length, depth + 1));
            i += length;
        }
        return found;
    }

    /// <summary>JSON-aware mutations on UTF-8 JSON: a token swapped for an odd value, or byte-level damage.</summary>
    public static byte[] MutateJson(byte[] seed, IReadOnlyList<byte[]> corpus, Random random, FuzzInput input)
    {
        var data = seed;
        var count = 1 + random.Next(3);
        for (var n = 0; n < count; n++)
        {
            if (random.Next(3) == 0)
            {
                data = MutateBinary(data, corpus, random, input, tlvAware: false);
                continue;
            }
            var tokens = Tokens(data);
            if (tokens.Count == 0)
            {
                data = MutateBinary(data, corpus, random, input, tlvAware: false);
                continue;
            }
            var (start, end) = tokens[random.Next(tokens.Count)];
            var replacement = random.Next(4) == 0
                ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data, start, end - start) + "," + InterestingJson[random.Next(InterestingJson.Length)])
                : Encoding.UTF8.GetBytes(InterestingJson[random.Next(InterestingJson.Length)]);
            data = [.. data.AsSpan(0, start), .. replacement, .. data.AsSpan(end)];
            input.Steps.Add($"json token at {start} replaced");
        }
        return data;
    }

    /// <summary>Start and end of every value token (and of every object or array as a whole) while the JSON still reads.</summary>
    private static List<(int Start, int End)> Tokens(byte[] json)
    {
        var tokens = new List<(int, int)>();
        var starts = new Stack<int>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        starts.Push(start);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        if (starts.Count > 0) tokens.Add((starts.Pop(), (int)reader.BytesConsumed));
                        break;
                    case JsonTokenType.PropertyName:
                        break;
                    default:
                        tokens.Add((start, (int)reader.BytesConsumed));
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Damaged by an earlier step: the tokens found so far are enough.
        }
        return tokens;
    }
}
