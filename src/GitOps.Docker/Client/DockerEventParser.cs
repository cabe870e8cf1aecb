using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using GitOps.Core.Collections;

namespace GitOps.Docker.Client;

/// <summary>Reads one line of the events stream, checking every field that is used.</summary>
internal static class DockerEventParser
{
    public static bool TryParse(string line, [NotNullWhen(true)] out DockerEvent? dockerEvent, [NotNullWhen(false)] out string? error)
    {
        dockerEvent = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the event is not a JSON object";
                return false;
            }

            var type = String(root, "Type");
            var action = String(root, "Action");
            if (type is null || action is null)
            {
                error = "the event has no \"Type\" or \"Action\" string";
                return false;
            }

            if (!root.TryGetProperty("Actor", out var actor) || actor.ValueKind != JsonValueKind.Object || String(actor, "ID") is not { } actorId)
            {
                error = "the event has no \"Actor.ID\" string";
                return false;
            }

            if (!root.TryGetProperty("timeNano", out var time) || !time.TryGetInt64(out var timeNano) || timeNano <= 0)
            {
                error = "the event has no positive \"timeNano\" number";
                return false;
            }

            dockerEvent = new DockerEvent(type, action, actorId, Attributes(actor), timeNano);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = "the event is not valid JSON: " + ex.Message;
            return false;
        }
    }

    private static ValueMap Attributes(JsonElement actor)
    {
        if (!actor.TryGetProperty("Attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object)
        {
            return ValueMap.Empty;
        }

        // Attribute values are strings in every engine version; anything else is not ours to interpret.
        // A dictionary, not a projection: a repeated name must not throw.
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes.EnumerateObject().Where(a => a.Value.ValueKind == JsonValueKind.String))
        {
            pairs[attribute.Name] = attribute.Value.GetString()!;
        }

        return new ValueMap(pairs);
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
