using System.Text.Json;
using System.Text.Json.Serialization;

namespace GitOps.Core.Collections;

/// <summary>Reads and writes <see cref="ValueMap"/> as a JSON object of strings (events store them as JSONB).</summary>
public sealed class ValueMapJsonConverter : JsonConverter<ValueMap>
{
    public override ValueMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null
            ? ValueMap.Empty
            : new ValueMap(JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, options) ?? []);

    public override void Write(Utf8JsonWriter writer, ValueMap value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in value)
        {
            writer.WriteString(key, item);
        }

        writer.WriteEndObject();
    }
}
