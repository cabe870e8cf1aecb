using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace GitOps.Core.Tests.Desired.Loading.Schema;

/// <summary>
/// One of the repository's JSON Schemas (<c>schemas/*.schema.json</c>), evaluated by JsonSchema.Net as an
/// editor's language server evaluates it. Differs from ECMA-262 in one place: <c>pattern</c> runs on .NET's
/// Regex, whose <c>$</c> also matches before a final line break, so a value ending in <c>\n</c> can pass
/// a <c>^…$</c> pattern here that an editor rejects; the C# loader rejects it either way.
/// </summary>
internal sealed class RepositorySchema(JsonSchema schema)
{
    private static readonly EvaluationOptions Hierarchical = new() { OutputFormat = OutputFormat.Hierarchical };

    /// <summary>
    /// Loads <paramref name="path"/> with a 2020-12 dialect that refuses unknown keywords (the standard one
    /// ignores them), so a misspelled rule fails the load instead of silently accepting everything.
    /// </summary>
    public static RepositorySchema Load(string path) => new(JsonSchema.FromFile(path, BuildOptions()));

    /// <summary>Builds a schema from text with the same options as <see cref="Load"/>.</summary>
    public static RepositorySchema Parse(string text) => new(JsonSchema.FromText(text, BuildOptions()));

    /// <summary>Every violation as <c>/json/pointer: keyword: message</c>; empty when the instance is valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance)
    {
        var results = schema.Evaluate(JsonSerializer.SerializeToElement(instance), Hierarchical);
        var violations = new List<string>();
        Collect(results, violations);
        return violations;
    }

    private static void Collect(EvaluationResults results, List<string> violations)
    {
        if (results.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in results.Errors ?? [])
        {
            violations.Add($"{results.InstanceLocation}: {keyword}: {message}");
        }

        // A failing 'if' only picks 'else', and a failing 'not' subschema is what 'not' asks for: neither is a violation.
        foreach (var detail in (results.Details ?? []).Where(d => LastSegment(d) is not ("if" or "not")))
        {
            Collect(detail, violations);
        }
    }

    private static string? LastSegment(EvaluationResults results) =>
        results.EvaluationPath.SegmentCount == 0 ? null : results.EvaluationPath[results.EvaluationPath.SegmentCount - 1].ToString();

    private static BuildOptions BuildOptions()
    {
        var strict = Dialect.Draft202012.With([], Dialect.Draft202012.Id, allowUnknownKeywords: false);
        var dialects = new DialectRegistry();
        dialects.Register(strict);
        // A registry of its own per schema: the global one refuses a second schema with the same $id.
        return new BuildOptions { SchemaRegistry = new SchemaRegistry(), DialectRegistry = dialects };
    }
}
