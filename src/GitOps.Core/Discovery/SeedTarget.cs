namespace GitOps.Core.Discovery;

/// <summary>What the seed labels of one container ask for: serve container port <see cref="TargetPort"/> on <see cref="PublishPort"/>.</summary>
public sealed record SeedTarget(int PublishPort, int TargetPort);
