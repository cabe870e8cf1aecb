using System.Globalization;
using GitOps.Core.Events;

namespace GitOps.Reconciler.Agent;

/// <summary>The rendered configuration the host should run, and why: the latest one, or an earlier one a rollback pinned.</summary>
/// <param name="Config">The configuration.</param>
/// <param name="ConfigEventId">Its event id on <c>config-&lt;host&gt;</c>.</param>
/// <param name="RollbackRequestId">The event id of the pinning <see cref="RollbackRequested"/>; null when following the latest.</param>
internal sealed record AgentTarget(ConfigRendered Config, Guid ConfigEventId, Guid? RollbackRequestId)
{
    public bool Pinned => RollbackRequestId is not null;

    /// <summary>The version label the applier keeps with the applied text.</summary>
    public string Label => Config.Version.ToString(CultureInfo.InvariantCulture);

    /// <summary>What distinguishes one apply from another: the same version applied again for a rollback is a new apply.</summary>
    public (long Version, Guid? RollbackRequestId) Key => (Config.Version, RollbackRequestId);
}
