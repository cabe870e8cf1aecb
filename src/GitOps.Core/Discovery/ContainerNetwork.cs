namespace GitOps.Core.Discovery;

/// <summary>A container's address on one Docker network.</summary>
public sealed record ContainerNetwork(string Name, string IPAddress);
