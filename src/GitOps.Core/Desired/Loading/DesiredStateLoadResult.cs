using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading;

/// <summary>
/// The outcome of loading a desired-state repository: the validated state, or null when any
/// error was found, and every error and warning sorted by file, line and column.
/// </summary>
public sealed record DesiredStateLoadResult(DesiredState? State, ValueList<Diagnostic> Diagnostics)
{
    public bool Succeeded => State is not null;

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);
}
