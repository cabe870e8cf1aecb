using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GitOps.Core.Tests.Desired.Loading.Schema;

/// <summary>
/// A small JSON Schema (draft 2020-12) evaluator for the keywords our schemas use. No JSON Schema
/// package restores from this machine's package mirror. It throws on any keyword it does not
/// implement, so a schema can never pass because a rule was silently ignored.
/// </summary>
internal sealed class JsonSchemaEvaluator(JsonObject root)
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description", "default", "examples", "$comment"];

    public static JsonSchemaEvaluator Load(string path) => new((JsonObject)JsonNode.Parse(File.ReadAllText(path))!);

    /// <summary>Every violation as <c>json-path: reason</c>; empty when the instance is valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance)
    {
        var errors = new List<string>();
        Evaluate(root, instance, "$", errors);
        return errors;
    }

    private bool IsValid(JsonNode schema, JsonNode? instance, string path)
    {
        var errors = new List<string>();
        Evaluate(schema, instance, path, errors);
        return errors.Count == 0;
    }

    private void Evaluate(JsonNode schema, JsonNode? instance, string path, List<string> errors)
    {
        if (schema is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            if (!boolean.GetValue<bool>())
            {
                errors.Add($"{path}: not allowed");
            }

            return;
        }

        var keywords = (JsonObject)schema;
        foreach (var (keyword, value) in keywords)
        {
            if (Annotations.Contains(keyword) || keyword is "$defs" or "then" or "else")
            {
                continue;
            }

            switch (keyword)
            {
                case "$ref":
                    Evaluate(Resolve(value!.GetValue<string>()), instance, path, errors);
                    break;
                case "type":
                    var types = value is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToList() : [value!.GetValue<string>()];
                    if (!types.Any(t => HasType(instance, t)))
                    {
                        errors.Add($"{path}: expected {string.Join(" or ", types)}");
                    }

                    break;
                case "enum":
                    if (!value!.AsArray().Any(v => JsonNode.DeepEquals(v, instance)))
                    {
                        errors.Add($"{path}: not one of {value.ToJsonString()}");
                    }

                    break;
                case "const":
                    if (!JsonNode.DeepEquals(value, instance))
                    {
                        errors.Add($"{path}: must be {value?.ToJsonString()}");
                    }

                    break;
                case "properties":
                    if (instance is JsonObject obj)
                    {
                        foreach (var (name, propertySchema) in value!.AsObject())
                        {
                            if (obj.TryGetPropertyValue(name, out var property))
                            {
                                Evaluate(propertySchema!, property, $"{path}.{name}", errors);
                            }
                        }
                    }

                    break;
                case "additionalProperties":
                    if (instance is JsonObject extra)
                    {
                        var known = keywords["properties"]?.AsObject().Select(p => p.Key).ToHashSet() ?? [];
                        foreach (var (name, property) in extra.Where(p => !known.Contains(p.Key)))
                        {
                            Evaluate(value!, property, $"{path}.{name}", errors);
                        }
                    }

                    break;
                case "propertyNames":
                    if (instance is JsonObject named)
                    {
                        foreach (var (name, _) in named)
                        {
                            Evaluate(value!, JsonValue.Create(name), $"{path}[{name}]", errors);
                        }
                    }

                    break;
                case "required":
                    if (instance is JsonObject required)
                    {
                        foreach (var name in value!.AsArray().Select(n => n!.GetValue<string>()).Where(n => !required.ContainsKey(n)))
                        {
                            errors.Add($"{path}: missing {name}");
                        }
                    }

                    break;
                case "dependentRequired":
                    if (instance is JsonObject dependent)
                    {
                        foreach (var (name, needs) in value!.AsObject().Where(d => dependent.ContainsKey(d.Key)))
                        {
                            foreach (var need in needs!.AsArray().Select(n => n!.GetValue<string>()).Where(n => !dependent.ContainsKey(n)))
                            {
                                errors.Add($"{path}: {name} needs {need}");
                            }
                        }
                    }

                    break;
                case "minProperties":
                    if (instance is JsonObject few && few.Count < value!.GetValue<int>())
                    {
                        errors.Add($"{path}: fewer than {value} properties");
                    }

                    break;
                case "items":
                    if (instance is JsonArray items)
                    {
                        for (var i = 0; i < items.Count; i++)
                        {
                            Evaluate(value!, items[i], $"{path}[{i}]", errors);
                        }
                    }

                    break;
                case "minItems":
                    if (instance is JsonArray shortList && shortList.Count < value!.GetValue<int>())
                    {
                        errors.Add($"{path}: fewer than {value} items");
                    }

                    break;
                case "maxItems":
                    if (instance is JsonArray longList && longList.Count > value!.GetValue<int>())
                    {
                        errors.Add($"{path}: more than {value} items");
                    }

                    break;
                case "uniqueItems":
                    if (value!.GetValue<bool>() && instance is JsonArray unique &&
                        unique.Select((a, i) => unique.Skip(i + 1).Any(b => JsonNode.DeepEquals(a, b))).Any(d => d))
                    {
                        errors.Add($"{path}: items are not unique");
                    }

                    break;
                case "minimum":
                    if (Number(instance) is { } low && low < value!.GetValue<decimal>())
                    {
                        errors.Add($"{path}: below {value}");
                    }

                    break;
                case "maximum":
                    if (Number(instance) is { } high && high > value!.GetValue<decimal>())
                    {
                        errors.Add($"{path}: above {value}");
                    }

                    break;
                case "minLength":
                    if (Text(instance) is { } shortText && CodePoints(shortText) < value!.GetValue<int>())
                    {
                        errors.Add($"{path}: shorter than {value}");
                    }

                    break;
                case "maxLength":
                    if (Text(instance) is { } longText && CodePoints(longText) > value!.GetValue<int>())
                    {
                        errors.Add($"{path}: longer than {value}");
                    }

                    break;
                case "pattern":
                    if (Text(instance) is { } text && !EcmaRegex(value!.GetValue<string>()).IsMatch(text))
                    {
                        errors.Add($"{path}: does not match {value}");
                    }

                    break;
                case "anyOf":
                    if (!value!.AsArray().Any(s => IsValid(s!, instance, path)))
                    {
                        errors.Add($"{path}: matches none of anyOf");
                    }

                    break;
                case "oneOf":
                    if (value!.AsArray().Count(s => IsValid(s!, instance, path)) != 1)
                    {
                        errors.Add($"{path}: does not match exactly one of oneOf");
                    }

                    break;
                case "not":
                    if (IsValid(value!, instance, path))
                    {
                        errors.Add($"{path}: matches 'not'");
                    }

                    break;
                case "if":
                    var branch = IsValid(value!, instance, path) ? keywords["then"] : keywords["else"];
                    if (branch is not null)
                    {
                        Evaluate(branch, instance, path, errors);
                    }

                    break;
                default:
                    throw new NotSupportedException($"JSON Schema keyword '{keyword}' is not implemented by the test evaluator; implement it before using it.");
            }
        }
    }

    private JsonNode Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"only local $ref is implemented, not '{reference}'");
        }

        JsonNode node = root;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node[part] ?? throw new InvalidOperationException($"$ref '{reference}' does not resolve");
        }

        return node;
    }

    private static bool HasType(JsonNode? instance, string type) => type switch
    {
        "null" => instance is null,
        "object" => instance is JsonObject,
        "array" => instance is JsonArray,
        "string" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "boolean" => instance is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => instance is JsonValue n && n.GetValueKind() == JsonValueKind.Number,
        "integer" => instance is JsonValue i && i.GetValueKind() == JsonValueKind.Number && decimal.TryParse(i.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d),
        _ => throw new NotSupportedException($"type '{type}'"),
    };

    private static decimal? Number(JsonNode? instance) =>
        instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string? Text(JsonNode? instance) =>
        instance is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static int CodePoints(string text) => text.EnumerateRunes().Count();

    /// <summary>ECMA-262 semantics for the patterns used: unanchored search, and <c>$</c> matches only at the very end (.NET's also matches before a final newline).</summary>
    private static Regex EcmaRegex(string pattern) =>
        new(pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal) ? pattern[..^1] + "\\z" : pattern, RegexOptions.CultureInvariant);
}
