using GitOps.Core.Events;

namespace GitOps.Docker.Discovery;

/// <summary>What <see cref="ContainerPicture.Replace"/> produced: the snapshot to publish, label problems, and counts for the log.</summary>
internal sealed record ResyncResult(DiscoveryResynced Resynced, IReadOnlyList<ContainerLabelRejected> Rejected, int Added, int Removed, int Changed);
