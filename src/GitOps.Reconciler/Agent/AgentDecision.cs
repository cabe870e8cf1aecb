using GitOps.Core.Events;

namespace GitOps.Reconciler.Agent;

/// <summary>What <see cref="AgentTargetReader"/> read from the streams.</summary>
/// <param name="Target">What to run; null while nothing was rendered for the host.</param>
/// <param name="UnknownRollback">The latest rollback request when it names a version never rendered for the host (it is ignored), with its event id.</param>
internal sealed record AgentDecision(AgentTarget? Target, (RollbackRequested Request, Guid EventId)? UnknownRollback);
