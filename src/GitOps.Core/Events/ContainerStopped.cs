namespace GitOps.Core.Events;

/// <summary>
/// A container left routing on a Docker host: it stopped, was removed, or was sent the signal that ends it.
/// </summary>
public sealed record ContainerStopped : IDiscoveryEvent
{
    public required string Host { get; init; }

    public required string ContainerId { get; init; }

    public required string Name { get; init; }

    /// <summary>
    /// The signal whose delivery announced the stop (<c>SIGTERM</c> or another stop signal of the container, or
    /// <c>SIGKILL</c>), e.g. at the start of <c>docker stop</c>: the container was taken out of rotation while its
    /// process could still finish what it was serving. Null when the container was seen already exited or removed.
    /// </summary>
    public string? Signal { get; init; }
}
