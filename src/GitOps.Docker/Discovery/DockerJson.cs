using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GitOps.Docker.Discovery;

/// <summary>
/// Reads Docker's JSON into Docker.DotNet's models where the library does not do it for us: the <c>--discovery</c>
/// file and the lines of the events stream. Docker.DotNet's own serializer settings are internal; the one thing they
/// add that these documents need is <c>Created</c>, which the list gives as Unix seconds and inspect as RFC 3339.
/// </summary>
internal static class DockerJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        Converters = { new DockerTimeConverter() },
    };

    private sealed class DockerTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                // Docker writes nanoseconds; DateTime holds 100 ns ticks, and no routing decision depends on it.
                return DateTime.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : default;
            }

            throw new JsonException("expected a Unix time or an RFC 3339 timestamp");
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }
}
