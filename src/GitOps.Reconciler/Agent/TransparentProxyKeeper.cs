using GitOps.Core.Collections;
using GitOps.Core.Hosts;
using GitOps.HAProxy.Runtime;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// Keeps the host's transparent-proxying rules (<see cref="TransparentProxyRules"/>) in line with the configuration the
/// agent serves: set up while a service of it needs them (<c>backend.clientAddress: transparent</c>, listed in
/// <see cref="Core.Events.ConfigRendered.RequiredCapabilities"/> even when the host could not have them), removed when
/// none does any more and when HAProxy stops with the agent. Set up once, then checked again only on
/// <see cref="ConvergeAsync"/>'s re-checks, which also retry a host that could not have them.
/// </summary>
internal sealed class TransparentProxyKeeper(TransparentProxyRules rules, string host, ILogger logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    // Null while unknown (at start, and after a failed attempt): the next call looks at the kernel again.
    private bool? installed;

    /// <summary>
    /// Sets up or removes the rules as <paramref name="target"/> needs them; returns the capability facts to report: one
    /// for transparent proxying while it is needed (with the reason when the host cannot have it), none otherwise.
    /// With <paramref name="recheck"/>, rules believed in place are ensured again (someone may have flushed them).
    /// </summary>
    public async Task<ValueList<HostCapabilityFact>> ConvergeAsync(AgentTarget? target, bool recheck, CancellationToken cancellationToken)
    {
        var needed = target?.Config.RequiredCapabilities.Any(c => c.Name == HostCapabilityFact.TransparentProxy) ?? false;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!needed)
            {
                await RemoveLockedAsync(cancellationToken).ConfigureAwait(false);
                return ValueList<HostCapabilityFact>.Empty;
            }

            string? problem = null;
            if (installed != true || recheck)
            {
                problem = await rules.EnsureAsync(cancellationToken).ConfigureAwait(false);
                if (problem is null && installed != true)
                {
                    AgentLog.TransparentProxyReady(logger, host, TransparentProxyRules.Chain, TransparentProxyRules.Mark, TransparentProxyRules.Table);
                }
                else if (problem is not null)
                {
                    AgentLog.TransparentProxyUnavailable(logger, host, problem);
                }

                installed = problem is null ? true : null;
            }

            return ValueList.Create(new HostCapabilityFact { Name = HostCapabilityFact.TransparentProxy, Problem = problem });
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes the rules if this host has them (HAProxy stops with the agent).</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RemoveLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RemoveLockedAsync(CancellationToken cancellationToken)
    {
        if (installed == false)
        {
            return;
        }

        var had = installed == true || await rules.AnyPresentAsync(cancellationToken).ConfigureAwait(false);
        if (!had)
        {
            installed = false;
            return;
        }

        var problem = await rules.RemoveAsync(cancellationToken).ConfigureAwait(false);
        if (problem is null)
        {
            installed = false;
            AgentLog.TransparentProxyRemoved(logger, host);
        }
        else
        {
            AgentLog.TransparentProxyRemoveFailed(logger, host, problem);
        }
    }
}
