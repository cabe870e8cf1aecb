using GitOps.Core.Collections;

namespace GitOps.Core.Discovery;

/// <summary>A container as seen on one Docker host, reduced to what routing needs.</summary>
public sealed record ObservedContainer
{
    /// <summary>Docker's <see cref="State"/> of a running container.</summary>
    public const string RunningState = "running";

    /// <summary>Full container id.</summary>
    public required string Id { get; init; }

    /// <summary>Name without Docker's leading slash.</summary>
    public required string Name { get; init; }

    public ValueMap Labels { get; init; } = ValueMap.Empty;

    /// <summary>Docker's state: <c>running</c>, <c>exited</c>, <c>paused</c>, …</summary>
    public required string State { get; init; }

    public ContainerHealth Health { get; init; } = ContainerHealth.None;

    /// <summary>Attached networks with the container's address on each, ordered by network name.</summary>
    public ValueList<ContainerNetwork> Networks { get; init; } = ValueList<ContainerNetwork>.Empty;

    public bool IsRunning => string.Equals(State, RunningState, StringComparison.Ordinal);

    /// <summary>Running and, when it has a HEALTHCHECK, healthy: the only containers that get traffic.</summary>
    public bool IsRoutable => IsRunning && Health is ContainerHealth.None or ContainerHealth.Healthy;
}
