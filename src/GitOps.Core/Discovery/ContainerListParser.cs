using System.Text;
using System.Text.Json;
using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Validation;

namespace GitOps.Core.Discovery;

/// <summary>
/// Reads the JSON array Docker's <c>GET /containers/json</c> returns (the <c>--discovery</c> file
/// of <c>gitops render</c>) into <see cref="ObservedContainer"/>s. Never throws on bad input:
/// every problem becomes a diagnostic positioned at the item it concerns.
/// </summary>
public static class ContainerListParser
{
    /// <summary>Parses <paramref name="json"/>; <paramref name="fileName"/> is used in diagnostics only.</summary>
    public static ContainerListParseResult Parse(string json, string fileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(fileName);
        var bytes = Encoding.UTF8.GetBytes(json);
        var containers = new List<ObservedContainer>();
        var diagnostics = new List<Diagnostic>();
        var positions = new LineCounter(bytes, fileName);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidJson, "expected a JSON array of containers as returned by Docker's GET /containers/json (docker ps uses the same API)", positions.At(0)));
                return Result(containers, diagnostics);
            }

            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var location = positions.At(reader.TokenStartIndex);
                using var item = JsonDocument.ParseValue(ref reader);
                var container = ReadContainer(item.RootElement, $"item {index}", location, diagnostics);
                if (container is not null)
                {
                    containers.Add(container);
                }

                index++;
            }

            if (reader.Read())
            {
                throw new JsonException("unexpected content after the array", null, null, null);
            }
        }
        catch (JsonException ex)
        {
            containers.Clear();
            var location = ex.LineNumber is { } line
                ? new SourceLocation(fileName, (int)line + 1, (int)(ex.BytePositionInLine ?? 0) + 1)
                : new SourceLocation(fileName, 1, 1);
            diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidJson, $"the file is not valid JSON ({FirstSentence(ex.Message)}); save the exact output of GET /containers/json", location));
        }

        return Result(containers, diagnostics);
    }

    private static ContainerListParseResult Result(List<ObservedContainer> containers, List<Diagnostic> diagnostics) =>
        new(containers.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal).ToValueList(), diagnostics.ToValueList());

    private static ObservedContainer? ReadContainer(JsonElement item, string what, SourceLocation location, List<Diagnostic> diagnostics)
    {
        void Error(string message) => diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidContainer, message, location));

        if (item.ValueKind != JsonValueKind.Object)
        {
            Error($"{what} is a JSON {item.ValueKind.ToString().ToLowerInvariant()}, expected a container object; the item is ignored");
            return null;
        }

        var id = GetString(item, "Id");
        if (!ConfigToken.IsDockerId(id))
        {
            Error($"{what}: \"Id\" is missing or not a lowercase hex container id; the item is ignored");
            return null;
        }

        what = $"{what} (container {id![..Math.Min(12, id.Length)]})";
        var name = ReadName(item);
        if (name is null)
        {
            Error($"{what}: \"Names\" has no valid container name ([A-Za-z0-9][A-Za-z0-9_.-]*, e.g. \"/web-1\"); the container is ignored");
            return null;
        }

        what = $"{what} '{name}'";
        var state = item.TryGetProperty("State", out var stateElement) && stateElement.ValueKind == JsonValueKind.Object
            ? GetString(stateElement, "Status")
            : GetString(item, "State");
        if (string.IsNullOrEmpty(state) || !ConfigToken.IsLabelText(state))
        {
            Error($"{what}: \"State\" is missing; expected running, exited, …; the container is ignored");
            return null;
        }

        var labels = ReadLabels(item);
        if (labels is null)
        {
            Error($"{what}: \"Labels\" must be an object of string values; the container is ignored");
            return null;
        }

        return new ObservedContainer
        {
            Id = id,
            Name = name,
            State = state,
            Health = ReadHealth(GetString(item, "Status")),
            Labels = labels.Value,
            Networks = ReadNetworks(item, what, location, diagnostics),
        };
    }

    private static string? ReadName(JsonElement item)
    {
        if (!item.TryGetProperty("Names", out var names) || names.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        // Legacy links add names like "/other/alias"; the container's own name has one segment.
        return names.EnumerateArray()
            .Where(n => n.ValueKind == JsonValueKind.String)
            .Select(n => n.GetString()!.TrimStart('/'))
            .FirstOrDefault(ConfigToken.IsDockerName);
    }

    internal static ValueMap? ReadLabels(JsonElement item)
    {
        if (!item.TryGetProperty("Labels", out var labels) || labels.ValueKind == JsonValueKind.Null)
        {
            return ValueMap.Empty;
        }

        if (labels.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels.EnumerateObject())
        {
            if (label.Value.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            pairs[label.Name] = label.Value.GetString()!;
        }

        return new ValueMap(pairs);
    }

    /// <summary>Docker's list API reports health only inside the human-readable status text.</summary>
    internal static ContainerHealth ReadHealth(string? status)
    {
        if (status is null)
        {
            return ContainerHealth.None;
        }

        if (status.Contains("(unhealthy)", StringComparison.Ordinal))
        {
            return ContainerHealth.Unhealthy;
        }

        if (status.Contains("(health: starting)", StringComparison.Ordinal))
        {
            return ContainerHealth.Starting;
        }

        return status.Contains("(healthy)", StringComparison.Ordinal) ? ContainerHealth.Healthy : ContainerHealth.None;
    }

    internal static ValueList<ContainerNetwork> ReadNetworks(JsonElement item, string what, SourceLocation? location, List<Diagnostic> diagnostics)
    {
        if (!item.TryGetProperty("NetworkSettings", out var settings) || settings.ValueKind != JsonValueKind.Object
            || !settings.TryGetProperty("Networks", out var networks) || networks.ValueKind != JsonValueKind.Object)
        {
            return ValueList<ContainerNetwork>.Empty;
        }

        var result = new List<ContainerNetwork>();
        foreach (var network in networks.EnumerateObject())
        {
            if (!ConfigToken.IsDockerName(network.Name))
            {
                diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidNetwork, $"{what}: network name '{DiscoveryDiagnostics.Show(network.Name)}' is not a valid Docker network name; that network is ignored", location, DiagnosticSeverity.Warning));
                continue;
            }

            var address = network.Value.ValueKind == JsonValueKind.Object ? GetString(network.Value, "IPAddress") : null;
            if (string.IsNullOrEmpty(address))
            {
                // Not attached with an address (host network, stopped container): nothing to route to.
                continue;
            }

            if (!ConfigToken.IsIpAddress(address))
            {
                diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidNetwork, $"{what}: network '{network.Name}' has IPAddress '{DiscoveryDiagnostics.Show(address)}', which is not an IP address; that network is ignored", location, DiagnosticSeverity.Warning));
                continue;
            }

            result.Add(new ContainerNetwork(network.Name, address));
        }

        return result.OrderBy(n => n.Name, StringComparer.Ordinal).ToValueList();
    }

    internal static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }

    /// <summary>Turns byte offsets into 1-based line and column, walking forward only.</summary>
    private sealed class LineCounter(byte[] bytes, string fileName)
    {
        private long _offset;
        private int _line = 1;
        private long _lineStart;

        public SourceLocation At(long offset)
        {
            for (; _offset < offset && _offset < bytes.Length; _offset++)
            {
                if (bytes[_offset] == (byte)'\n')
                {
                    _line++;
                    _lineStart = _offset + 1;
                }
            }

            return new SourceLocation(fileName, _line, (int)(offset - _lineStart) + 1);
        }
    }
}
