using GitOps.Core.Events;

namespace GitOps.Reconciler;

/// <summary>The load-balancer hosts a desired-state commit declares, derived from the files its event carries, as the controller derives them.</summary>
public static class DeclaredHosts
{
    /// <summary>The host names in gitops.yaml order (<c>local</c> when it declares none); null when the event carries no files to tell.</summary>
    public static IReadOnlyList<string>? Of(DesiredStateObserved observed) =>
        DesiredInForce.Load(observed)?.Settings.Hosts.Select(h => h.Name).ToList();
}
