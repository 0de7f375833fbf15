using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Core.Cards;

namespace Validator.Core.Sync;

/// <summary>Writes a card token as its 32 hex digits, the form support tools and the back office use.</summary>
public sealed class CardTokenJsonConverter : JsonConverter<CardToken>
{
    /// <inheritdoc />
    public override CardToken Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("A card token is a string of 32 hex digits.");
        return CardToken.TryParse(reader.GetString(), out var token) ? token : throw new JsonException("A card token is 32 hex digits.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, CardToken value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
