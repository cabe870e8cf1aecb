using GitOps.Core.Diagnostics;

namespace GitOps.Cli.Offline;

/// <summary>The JSON shape of one diagnostic in <c>--format json</c> output.</summary>
internal sealed record DiagnosticJson(string? File, int? Line, int? Column, string Severity, string Code, string Message)
{
    public static DiagnosticJson From(Diagnostic diagnostic) => new(
        diagnostic.Location?.File,
        diagnostic.Location?.Line,
        diagnostic.Location?.Column,
        diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning",
        diagnostic.Code,
        diagnostic.Message);
}
