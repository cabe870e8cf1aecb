using System.Globalization;
using System.Text.Json;

namespace GitOps.EventStore;

/// <summary>
/// How <see cref="EventMetadata"/> is kept in Marten's event metadata: the correlation and causation ids in
/// Marten's own columns, the actor and the commit as the headers <see cref="Actor"/> and <see cref="Commit"/>.
/// </summary>
internal static class EventHeaders
{
    public const string Actor = "actor";

    public const string Commit = "commit";

    /// <summary>The metadata of an event read back; an event stored without a correlation id is its own chain.</summary>
    public static EventMetadata Read(Guid eventId, string? headersJson, string? correlationId, string? causationId)
    {
        string? actor = null;
        string? commit = null;
        if (headersJson is not null)
        {
            using var headers = JsonDocument.Parse(headersJson);
            if (headers.RootElement.ValueKind == JsonValueKind.Object)
            {
                actor = Text(headers.RootElement, Actor);
                commit = Text(headers.RootElement, Commit);
            }
        }

        return new EventMetadata
        {
            CorrelationId = Guid.TryParse(correlationId, CultureInfo.InvariantCulture, out var correlation) ? correlation : eventId,
            CausationId = Guid.TryParse(causationId, CultureInfo.InvariantCulture, out var causation) ? causation : null,
            Actor = actor ?? "",
            Commit = commit,
        };
    }

    /// <summary>The metadata of an event as it is appended (or as the inline projections see it).</summary>
    public static EventMetadata Read(JasperFx.Events.IEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var headers = stored.Headers;
        return new EventMetadata
        {
            CorrelationId = Guid.TryParse(stored.CorrelationId, CultureInfo.InvariantCulture, out var correlation) ? correlation : stored.Id,
            CausationId = Guid.TryParse(stored.CausationId, CultureInfo.InvariantCulture, out var causation) ? causation : null,
            Actor = HeaderText(headers, Actor) ?? "",
            Commit = HeaderText(headers, Commit),
        };
    }

    private static string? Text(JsonElement headers, string name) =>
        headers.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? HeaderText(Dictionary<string, object>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            string text => text,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => value?.ToString(),
        }
        : null;
}
