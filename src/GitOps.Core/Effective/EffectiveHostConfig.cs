using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Diagnostics;

namespace GitOps.Core.Effective;

/// <summary>
/// What one load-balancer host must serve: the desired state merged with the containers observed
/// on that host. Consistent by construction (no two services fight over a port, every server
/// name is unique within its backend) and compared by value, so a change detector can tell
/// whether anything changed. Built only by <see cref="EffectiveModelBuilder"/>.
/// </summary>
public sealed record EffectiveHostConfig
{
    public required string Host { get; init; }

    public required DefaultsModel Defaults { get; init; }

    /// <summary>The statistics page and Prometheus exporter; null when disabled.</summary>
    public StatsModel? Stats { get; init; }

    /// <summary>Services placed on the host, in name order, each with its final servers.</summary>
    public required ValueList<EffectiveService> Services { get; init; }

    /// <summary>
    /// The host-local files the placed services need, in service then path order; a service with a file whose
    /// <see cref="RequiredFile.Problem"/> is set is not in <see cref="Services"/>.
    /// </summary>
    public ValueList<RequiredFile> RequiredFiles { get; init; } = ValueList<RequiredFile>.Empty;

    /// <summary>
    /// What beyond files the placed services need the host's agent to set up, in service order; a service with one whose
    /// <see cref="RequiredCapability.Problem"/> is set is not in <see cref="Services"/>.
    /// </summary>
    public ValueList<RequiredCapability> RequiredCapabilities { get; init; } = ValueList<RequiredCapability>.Empty;

    /// <summary>What was left out and why (bad labels, port conflicts, containers off the chosen network).</summary>
    public ValueList<Diagnostic> Diagnostics { get; init; } = ValueList<Diagnostic>.Empty;
}
