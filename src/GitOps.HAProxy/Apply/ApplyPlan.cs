using GitOps.Core.Collections;

namespace GitOps.HAProxy.Apply;

/// <summary>What it takes to go from the applied configuration to a new one.</summary>
/// <param name="Method">None, runtime commands only, or a reload.</param>
/// <param name="Operations">The runtime operations in the order to run them (empty for a reload).</param>
/// <param name="ReloadReason">Why a reload is needed, for logs and results.</param>
internal sealed record ApplyPlan(ApplyMethod Method, ValueList<RuntimeOperation> Operations, string? ReloadReason)
{
    public static ApplyPlan Nothing { get; } = new(ApplyMethod.None, ValueList<RuntimeOperation>.Empty, null);

    public static ApplyPlan Reload(string reason) => new(ApplyMethod.Reload, ValueList<RuntimeOperation>.Empty, reason);
}
