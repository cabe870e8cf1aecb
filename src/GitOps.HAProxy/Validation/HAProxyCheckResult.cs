using GitOps.Core.Collections;

namespace GitOps.HAProxy.Validation;

/// <summary>
/// The verdict of <c>haproxy -c</c> on a configuration: <see cref="IsValid"/> follows its exit
/// code; <see cref="Alerts"/> are its <c>[ALERT]</c> lines (why it is invalid), <see cref="Warnings"/>
/// its <c>[WARNING]</c> lines, <see cref="Output"/> everything it printed.
/// </summary>
public sealed record HAProxyCheckResult(bool IsValid, int ExitCode, ValueList<string> Alerts, ValueList<string> Warnings, string Output)
{
    /// <summary>Diagnostic code for a configuration that passed gitops' validation but not <c>haproxy -c</c>.</summary>
    public const string RejectedCode = "GITOPS500";
}
