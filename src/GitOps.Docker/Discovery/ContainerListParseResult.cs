using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;

namespace GitOps.Docker.Discovery;

/// <summary>
/// The containers read from a <c>GET /containers/json</c> document, in name order, and the
/// problems found. Malformed items are left out (each with a diagnostic); a document that is
/// not valid JSON yields no containers at all, so a broken file never looks like "no containers".
/// </summary>
public sealed record ContainerListParseResult(ValueList<ObservedContainer> Containers, ValueList<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
