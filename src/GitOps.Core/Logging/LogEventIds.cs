namespace GitOps.Core.Logging;

/// <summary>
/// The one place that hands out log event ids. Each area of the product owns the <see cref="RangeSize"/> ids
/// from its base: its log class says which area it is (<see cref="LogEventAreaAttribute"/>) and numbers its
/// events <c>Base + 1</c>, <c>Base + 2</c>, …, so that one id means one event across every assembly and an
/// operator can filter on it. A new area takes a free base here; GitOps.Cli.Tests' LogEventIdsTests fails on a
/// duplicate id, on an id outside its area's range and on a log class without an area.
/// </summary>
public static class LogEventIds
{
    /// <summary>How far an area's range reaches: its ids are base + 1 to base + <see cref="RangeSize"/> - 1.</summary>
    public const int RangeSize = 100;

    /// <summary>The <c>gitops</c> commands themselves (GitOps.Cli).</summary>
    public const int Cli = 1000;

    /// <summary>Reading desired state from Git and keeping mirrors (GitOps.Git).</summary>
    public const int Git = 2000;

    /// <summary>Starting, adopting and watching the HAProxy master (GitOps.HAProxy, Runtime).</summary>
    public const int HAProxySupervisor = 3000;

    /// <summary>Applying configurations to a running HAProxy (GitOps.HAProxy, Apply).</summary>
    public const int ConfigApplier = 3100;

    /// <summary>Running keepalived for a host's virtual addresses (GitOps.Keepalived).</summary>
    public const int Keepalived = 3200;

    /// <summary>Talking to a Docker engine (GitOps.Docker, Client).</summary>
    public const int DockerClient = 4000;

    /// <summary>Turning a Docker engine's containers into discovery events (GitOps.Docker, Discovery).</summary>
    public const int DockerDiscovery = 4100;

    /// <summary>The controller: commits, renders, leadership (GitOps.Reconciler, Controller).</summary>
    public const int Controller = 5000;

    /// <summary>The agent of one load-balancer host (GitOps.Reconciler, Agent).</summary>
    public const int Agent = 6100;

    /// <summary>The event store: schema, retries, subscriptions, projections, local PostgreSQL (GitOps.EventStore).</summary>
    public const int EventStore = 7000;

    /// <summary>The dashboard: status page, metrics, webhooks (GitOps.Web).</summary>
    public const int Dashboard = 8000;
}
