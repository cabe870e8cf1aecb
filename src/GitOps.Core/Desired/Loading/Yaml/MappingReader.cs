using GitOps.Core.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace GitOps.Core.Desired.Loading.Yaml;

/// <summary>Typed access to the keys of one YAML mapping; a key given as null (<c>key:</c> or <c>~</c>) counts as absent.</summary>
internal sealed class MappingReader(NodeReader reader, YamlMappingNode node, string path)
{
    public NodeReader Reader { get; } = reader;

    public string Path { get; } = path;

    public SourceLocation Location => Reader.At(Node);

    public YamlMappingNode Node { get; } = node;

    public string PathOf(string key) => NodeReader.Join(Path, key);

    /// <summary>The value node of <paramref name="key"/>; null when absent or null, reporting it when <paramref name="required"/>.</summary>
    public YamlNode? Get(string key, bool required = false)
    {
        if (Node.Children.TryGetValue(new YamlScalarNode(key), out var value) && !YamlScalars.IsNull(value))
        {
            return value;
        }

        if (required)
        {
            Reader.Diagnostics.Error(DiagnosticCodes.MissingKey, Location, Path.Length == 0
                ? $"the required key '{key}' is missing; add it at the top level"
                : $"the required key '{PathOf(key)}' is missing; add '{key}' under '{Path}'");
        }

        return null;
    }

    /// <summary>True when the key is written with an explicit null value (<c>key: null</c>).</summary>
    public bool IsExplicitNull(string key) =>
        Node.Children.TryGetValue(new YamlScalarNode(key), out var value) && YamlScalars.IsNull(value);

    public Located<string>? String(string key, bool required = false) =>
        Get(key, required) is { } value ? Reader.String(value, PathOf(key)) : null;

    public Located<long>? Integer(string key, bool required = false) =>
        Get(key, required) is { } value ? Reader.Integer(value, PathOf(key)) : null;

    public Located<bool>? Boolean(string key) =>
        Get(key) is { } value ? Reader.Boolean(value, PathOf(key)) : null;

    public Located<T>? Choice<T>(string key, IReadOnlyDictionary<string, T> choices, bool required = false)
        where T : struct =>
        Get(key, required) is { } value ? Reader.Choice(value, PathOf(key), choices) : null;

    public MappingReader? Mapping(string key, IReadOnlyList<string> knownKeys, bool required = false) =>
        Get(key, required) is { } value ? Reader.Mapping(value, PathOf(key), knownKeys) : null;

    public IReadOnlyList<(YamlNode Node, string Path)>? Sequence(string key, bool required = false) =>
        Get(key, required) is { } value ? Reader.Sequence(value, PathOf(key)) : null;
}
