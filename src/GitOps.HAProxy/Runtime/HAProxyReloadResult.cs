namespace GitOps.HAProxy.Runtime;

/// <summary>What a master CLI <c>reload</c> did, as <see cref="HAProxySupervisor.ReloadAsync"/> observed it.</summary>
/// <param name="Before">The master's <c>show proc</c> just before the reload.</param>
/// <param name="After">The master's <c>show proc</c> once the reload was counted.</param>
/// <param name="Succeeded">True when a new, answering worker runs the file; false when the master reported the reload failed.</param>
/// <param name="Output">What HAProxy printed meanwhile (the reason, when it failed); empty for an adopted master, whose output goes elsewhere.</param>
public sealed record HAProxyReloadResult(HAProxyProcessList Before, HAProxyProcessList After, bool Succeeded, string Output)
{
    /// <summary>HAProxy's <c>[ALERT]</c> lines from <see cref="Output"/>, or all of it when there are none.</summary>
    public string Reason
    {
        get
        {
            var alerts = Output.Split('\n').Where(l => l.Contains("[ALERT]", StringComparison.Ordinal)).ToList();
            return alerts.Count > 0 ? string.Join('\n', alerts).Trim() : Output.Trim();
        }
    }
}
