namespace GitOps.Core.Diagnostics;

/// <summary>
/// One problem found in user input, printed as <c>path:line:col: error GITOPSnnn: message</c>.
/// The message names the item in quotes and says how to fix it.
/// </summary>
public sealed record Diagnostic(string Code, string Message, SourceLocation? Location, DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return Location is null
            ? $"{severity} {Code}: {Message}"
            : $"{Location}: {severity} {Code}: {Message}";
    }
}
