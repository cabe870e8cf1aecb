using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Discovery;
using GitOps.Core.Hosts;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// The leader's reconcile state at one position of the store, kept as a Marten document (one per controller
/// group, <see cref="ControllerOptions.SnapshotName"/>): a new leader starts from it and replays only the events
/// after <see cref="Sequence"/>, never the whole history. It holds what the controller decided — the desired
/// state in force as it loaded it — not the files to load again.
/// </summary>
public sealed class ControllerSnapshot
{
    public required string Id { get; set; }

    /// <summary>The position of the last event the state includes.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset TakenAt { get; set; }

    public string? DesiredCommit { get; set; }

    public DesiredState? Desired { get; set; }

    /// <summary>The running containers of each Docker host.</summary>
    public Dictionary<string, List<ObservedContainer>> Containers { get; set; } = [];

    /// <summary>What each host's agent last reported of its files.</summary>
    public Dictionary<string, ValueList<HostFileFact>> HostFiles { get; set; } = [];

    /// <summary>What each host's agent last reported of the capabilities its services need (transparent proxying).</summary>
    public Dictionary<string, ValueList<HostCapabilityFact>> HostCapabilities { get; set; } = [];

    public Dictionary<string, HostSnapshot> Hosts { get; set; } = [];

    /// <summary>One host's published configuration and unrendered inputs.</summary>
    public sealed class HostSnapshot
    {
        public long Version { get; set; }

        public string? Sha256 { get; set; }

        public string? RejectedSha256 { get; set; }

        public List<string>? ServedContainers { get; set; }

        public List<PendingInput> Pending { get; set; } = [];
    }

    /// <summary>An input not yet rendered, and the container it is about (null: about more, or none).</summary>
    public sealed record PendingInput(Guid EventId, string? ContainerId);
}
