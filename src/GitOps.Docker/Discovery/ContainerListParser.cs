using System.Text;
using System.Text.Json;
using Docker.DotNet.Models;
using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Validation;

namespace GitOps.Docker.Discovery;

/// <summary>
/// Reads the JSON array Docker's <c>GET /containers/json</c> returns (the <c>--discovery</c> file of
/// <c>gitops render</c>): each item into Docker.DotNet's <see cref="ContainerListResponse"/>, then through
/// <see cref="DockerContainers.FromListItem"/>, the same mapping live discovery uses. Offline: no engine is asked.
/// Never throws on bad input: every problem becomes a diagnostic positioned at the item it concerns.
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
                if (ReadContainer(item.RootElement, $"item {index}", location, diagnostics) is { } container)
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
        if (item.ValueKind != JsonValueKind.Object)
        {
            diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidContainer, $"{what} is a JSON {item.ValueKind.ToString().ToLowerInvariant()}, expected a container object; the item is ignored", location));
            return null;
        }

        ContainerListResponse model;
        try
        {
            model = item.Deserialize<ContainerListResponse>(DockerJson.Options) ?? throw new JsonException("null item");
        }
        catch (JsonException ex)
        {
            diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidContainer, $"{Describe(item, what)}: {FieldProblem(ex.Path)}; the container is ignored", location));
            return null;
        }

        return DockerContainers.FromListItem(model, what, location, diagnostics);
    }

    /// <summary>The item as far as its raw JSON tells, the way <see cref="DockerContainers.FromListItem"/> names it.</summary>
    private static string Describe(JsonElement item, string what)
    {
        if (!item.TryGetProperty("Id", out var idElement) || idElement.ValueKind != JsonValueKind.String || !ConfigToken.IsDockerId(idElement.GetString()))
        {
            return what;
        }

        var id = idElement.GetString()!;
        what = $"{what} (container {id[..Math.Min(12, id.Length)]})";
        var name = item.TryGetProperty("Names", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!.TrimStart('/')).FirstOrDefault(ConfigToken.IsDockerName)
            : null;
        return name is null ? what : $"{what} '{name}'";
    }

    private static string FieldProblem(string? path)
    {
        // The path of the value that did not fit, e.g. $.Labels.app or $.NetworkSettings.Networks.
        var field = path is null ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('.', '[')[0] : null;
        return field switch
        {
            "Labels" => "\"Labels\" must be an object of string values",
            null or "" => "it does not have the shape of a GET /containers/json item",
            _ => $"\"{DiscoveryDiagnostics.Show(field)}\" does not have the type GET /containers/json gives it",
        };
    }

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
