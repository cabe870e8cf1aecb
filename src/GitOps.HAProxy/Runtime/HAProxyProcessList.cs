using GitOps.Core.Collections;

namespace GitOps.HAProxy.Runtime;

/// <summary>The master CLI's <c>show proc</c> answer, parsed by <see cref="ShowProcParser"/>.</summary>
/// <param name="Master">The master process.</param>
/// <param name="FailedReloads">
/// The master's <c>[failed: N]</c>: reloads that failed since the last successful load (HAProxy
/// 2.6 resets it to 0 on success); null when the version does not print it.
/// </param>
/// <param name="Workers">Current workers: the ones serving new connections.</param>
/// <param name="OldWorkers">Workers of earlier loads still finishing their connections.</param>
/// <param name="Programs">External programs the master supervises.</param>
public sealed record HAProxyProcessList(
    HAProxyProcess Master,
    int? FailedReloads,
    ValueList<HAProxyProcess> Workers,
    ValueList<HAProxyProcess> OldWorkers,
    ValueList<HAProxyProcess> Programs)
{
    /// <summary>True when the latest reload failed: the workers still run the previous configuration.</summary>
    public bool LastReloadFailed => FailedReloads > 0;
}
