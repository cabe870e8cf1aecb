namespace GitOps.Core.Desired.Loading.Yaml;

/// <summary>What a YAML scalar resolves to under the YAML 1.2 core schema (as JSON would see it).</summary>
internal enum ScalarKind
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}
