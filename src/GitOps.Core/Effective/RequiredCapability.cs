using GitOps.Core.Diagnostics;
using GitOps.Core.Hosts;

namespace GitOps.Core.Effective;

/// <summary>
/// Something beyond files that a service placed on a host needs its agent to set up there (see
/// <see cref="HostCapabilityFact"/>): which service, the setting that asks for it, and — once the agent has tried —
/// why the host cannot have it.
/// </summary>
public sealed record RequiredCapability
{
    /// <summary>The capability: <see cref="HostCapabilityFact.TransparentProxy"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The service that needs it.</summary>
    public required string Service { get; init; }

    /// <summary>The service setting that asks for it: <c>backend.clientAddress: transparent</c>.</summary>
    public required string Setting { get; init; }

    /// <summary>Where Git asks for it (<c>services/db.yaml:9:18</c>); null when not known.</summary>
    public SourceLocation? Source { get; init; }

    /// <summary>
    /// Why the host cannot have it, from its agent's last report; the service is then left out of the host's
    /// configuration. Null when the host has it or its agent has not reported on it yet.
    /// </summary>
    public string? Problem { get; init; }

    /// <summary>The error saying <see cref="Service"/> is not served on <paramref name="host"/>, why, and how to fix it.</summary>
    public Diagnostic LeftOut(string host) => new(
        EffectiveDiagnostics.HostCapabilityMissing,
        $"service '{Service}' is not served on host '{host}': '{Setting}' needs {Name} there, which the agent cannot set up: {Problem ?? "not available"}. " +
        "Fix that on the host (the agent retries on its own and the service is served again without a restart), or choose another " +
        "clientAddress (proxy-v2 or header carry the client's address without kernel rules).",
        Source);
}
