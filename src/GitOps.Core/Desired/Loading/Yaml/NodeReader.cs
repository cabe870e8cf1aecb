using System.Globalization;
using GitOps.Core.Diagnostics;
using GitOps.Core.Validation;
using YamlDotNet.RepresentationModel;

namespace GitOps.Core.Desired.Loading.Yaml;

/// <summary>
/// Reads typed values from the YAML nodes of one file, reporting wrong types with the node's
/// position. The <c>path</c> arguments are the dotted key paths (<c>backend.servers[0].name</c>)
/// that messages name.
/// </summary>
internal sealed class NodeReader(string file, DiagnosticBag diagnostics)
{
    public string File { get; } = file;

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public SourceLocation At(YamlNode node) => GuardedParser.ToLocation(File, node.Start);

    public void Error(string code, YamlNode node, string message) => Diagnostics.Error(code, At(node), message);

    /// <summary>
    /// Opens a mapping and reports every key not in <paramref name="knownKeys"/> (any key when null);
    /// null (after an error) when the node is not a mapping.
    /// </summary>
    public MappingReader? Mapping(YamlNode node, string path, IReadOnlyList<string>? knownKeys)
    {
        if (node is not YamlMappingNode mapping)
        {
            WrongType(node, path, "a mapping", "write 'key: value' pairs indented under it");
            return null;
        }

        var reader = new MappingReader(this, mapping, path);
        if (knownKeys is null)
        {
            return reader;
        }

        foreach (var key in mapping.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } scalar || YamlScalars.Classify(scalar) != ScalarKind.String)
            {
                Error(DiagnosticCodes.WrongType, key, $"a key in '{Display(path)}' must be a plain word such as '{knownKeys[0]}'; rename it");
                continue;
            }

            if (!knownKeys.Contains(name, StringComparer.Ordinal))
            {
                Error(DiagnosticCodes.UnknownKey, key, $"unknown key '{Join(path, ConfigToken.Printable(name))}'{KeySuggester.Hint(name, knownKeys)}");
            }
        }

        return reader;
    }

    public IReadOnlyList<(YamlNode Node, string Path)>? Sequence(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            WrongType(node, path, "a list", "write '- item' lines or [a, b]");
            return null;
        }

        var items = new List<(YamlNode, string)>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            items.Add((sequence.Children[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")));
        }

        return items;
    }

    public Located<string>? String(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && YamlScalars.Classify(scalar) == ScalarKind.String)
        {
            return new Located<string>(scalar.Value ?? string.Empty, At(node));
        }

        WrongType(node, path, "a string", node is YamlScalarNode other ? $"quote it: \"{ConfigToken.Printable(other.Value ?? string.Empty)}\"" : "write a single value");
        return null;
    }

    /// <summary>A label value: strings, numbers and booleans are all taken as their text.</summary>
    public Located<string>? Text(YamlNode node, string path) =>
        node is YamlScalarNode scalar && YamlScalars.Classify(scalar) is not ScalarKind.Null
            ? new Located<string>(scalar.Value ?? string.Empty, At(node))
            : String(node, path);

    public Located<long>? Integer(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && YamlScalars.Classify(scalar) == ScalarKind.Integer)
        {
            return new Located<long>(YamlScalars.ParseInteger(scalar.Value!), At(node));
        }

        WrongType(node, path, "an integer", "write a whole number without quotes");
        return null;
    }

    public Located<bool>? Boolean(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && YamlScalars.Classify(scalar) == ScalarKind.Boolean)
        {
            return new Located<bool>(YamlScalars.ParseBoolean(scalar.Value!), At(node));
        }

        WrongType(node, path, "true or false", "write true or false without quotes");
        return null;
    }

    public Located<T>? Choice<T>(YamlNode node, string path, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        if (String(node, path) is not { } text)
        {
            return null;
        }

        if (choices.TryGetValue(text.Value, out var value))
        {
            return new Located<T>(value, text.Location);
        }

        Diagnostics.Error(DiagnosticCodes.InvalidChoice, text.Location, $"'{Display(path)}' is '{ConfigToken.Printable(text.Value)}'{KeySuggester.Hint(text.Value, choices.Keys.ToList())}");
        return null;
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Display(string path) => path.Length == 0 ? "(document)" : path;

    private void WrongType(YamlNode node, string path, string expected, string fix) =>
        Error(DiagnosticCodes.WrongType, node, $"'{Display(path)}' must be {expected}, not {Describe(node)}; {fix}");

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => YamlScalars.Classify(scalar) switch
        {
            ScalarKind.Null => "empty",
            ScalarKind.Boolean => $"the boolean {scalar.Value}",
            ScalarKind.Integer => $"the integer {scalar.Value}",
            ScalarKind.Float => $"the number {scalar.Value}",
            _ => $"the string '{ConfigToken.Printable(scalar.Value ?? string.Empty)}'",
        },
        _ => "an unsupported node",
    };
}
