namespace GitOps.Core.Events;

/// <summary>
/// An agent started for a load-balancer host (stream <c>agents</c>). The host is known from then on, even before anything
/// is rendered for it, so <c>gitops status</c> can show an agent whose host gitops.yaml does not declare.
/// </summary>
public sealed record AgentStarted : IEvent
{
    public required string Host { get; init; }
}
