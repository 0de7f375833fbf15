using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Core.Cards;

namespace Validator.Core.Sync;

/// <summary>Writes a card token as its 32 hex digits, the form support tools and the back office use.</summary>
public sealed class CardTokenJsonConverter : JsonConverter<CardToken>
{
    /// <inheritdoc />
    public override CardToken Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadToken(ref reader);

    /// <summary>Reads a token from the string the reader is on; throws <see cref="JsonException"/> unless it is 32 hex digits.</summary>
    public static CardToken ReadToken(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("A card token is a string of 32 hex digits.");
        // Read in place, without a string per token: a list download parses a million of them.
        Span<byte> bytes = stackalloc byte[CardToken.Length];
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return Convert.FromHexString(reader.ValueSpan, bytes, out var consumed, out var written) == System.Buffers.OperationStatus.Done
                   && consumed == reader.ValueSpan.Length && written == bytes.Length
                ? CardToken.FromBytes(bytes)
                : throw new JsonException("A card token is 32 hex digits.");
        }
        return CardToken.TryParse(reader.GetString(), out var token) ? token : throw new JsonException("A card token is 32 hex digits.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, CardToken value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
