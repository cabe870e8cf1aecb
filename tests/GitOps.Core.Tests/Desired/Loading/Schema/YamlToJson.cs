using System.Text.Json.Nodes;
using GitOps.Core.Desired.Loading.Yaml;
using YamlDotNet.RepresentationModel;

namespace GitOps.Core.Tests.Desired.Loading.Schema;

/// <summary>Converts a YAML document to JSON with the loader's own scalar typing (<see cref="YamlScalars"/>), as an editor would see it.</summary>
internal static class YamlToJson
{
    public static JsonNode? Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? string.Empty, Convert(kv.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => YamlScalars.Classify(scalar) switch
        {
            ScalarKind.Null => null,
            ScalarKind.Boolean => JsonValue.Create(YamlScalars.ParseBoolean(scalar.Value!)),
            ScalarKind.Integer => JsonValue.Create(YamlScalars.ParseInteger(scalar.Value!)),
            ScalarKind.Float => JsonValue.Create(YamlScalars.ParseFloat(scalar.Value!)),
            _ => JsonValue.Create(scalar.Value ?? string.Empty),
        },
        _ => throw new NotSupportedException(node.GetType().Name),
    };
}
