using GitOps.Core.Diagnostics;

namespace GitOps.Core.Effective;

/// <summary>
/// A file that a service placed on a host needs on that host's disk (its TLS certificate): which service, where Git
/// names it, and — once the host's agent has reported on it — why the host cannot use it.
/// </summary>
public sealed record RequiredFile
{
    /// <summary>The absolute path on the load-balancer host.</summary>
    public required string Path { get; init; }

    /// <summary>The service that needs it.</summary>
    public required string Service { get; init; }

    /// <summary>What the file is, for messages: <c>TLS certificate</c>.</summary>
    public required string What { get; init; }

    /// <summary>The service setting that names it: <c>listen.tls.certificate</c>.</summary>
    public required string Setting { get; init; }

    /// <summary>Where Git names the path (<c>services/shop.yaml:11:18</c>); null when not known.</summary>
    public SourceLocation? Source { get; init; }

    /// <summary>
    /// Why the host cannot use the file, from its agent's last report (<c>does not exist</c>); the service is then left
    /// out of the host's configuration. Null when the file is usable or the agent has not reported on it yet.
    /// </summary>
    public string? Problem { get; init; }

    /// <summary>The error saying <see cref="Service"/> is not served on <paramref name="host"/> because of this file, and how to fix it.</summary>
    public Diagnostic LeftOut(string host) => new(
        EffectiveDiagnostics.HostFileMissing,
        $"service '{Service}' is not served on host '{host}': its {What} '{Path}' {Problem ?? "is not usable"} there. " +
        $"Put the file at that path on '{host}', readable by the agent, or change '{Setting}'; once the agent sees the file, " +
        "the service is served again without a restart.",
        Source);
}
