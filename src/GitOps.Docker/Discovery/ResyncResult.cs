using GitOps.Core.Discovery;

namespace GitOps.Docker.Discovery;

/// <summary>What <see cref="ContainerPicture.Replace"/> produced: the snapshot to publish, label problems, and counts for the log.</summary>
internal sealed record ResyncResult(Resynced Snapshot, IReadOnlyList<LabelRejected> Rejected, int Added, int Removed, int Changed);
