namespace GitOps.Core.Diagnostics;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}
