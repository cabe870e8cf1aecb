using GitOps.HAProxy.Rendering;

namespace GitOps.Benchmarks.Suites;

/// <summary>What a <see cref="World"/> holds: how many hosts and services, and how its configurations are served.</summary>
internal sealed record WorldShape
{
    /// <summary>Hosts <c>lb1</c> … <c>lb&lt;n&gt;</c> (<see cref="FleetSettings"/>); every service is placed on each.</summary>
    public int Hosts { get; init; } = 1;

    /// <summary>Services <c>svc0</c> …, each discovering the containers labelled <c>app: svc&lt;i&gt;</c>.</summary>
    public int Services { get; init; } = 100;

    /// <summary>The port every service listens on (HTTP, routed by host name, so they share it).</summary>
    public int ListenPort { get; init; } = 80;

    /// <summary>
    /// A real HAProxy runs the configurations on this machine: containers get addresses in 127.0.0.0/8 and the services
    /// declare no health checks, so HAProxy sends nothing beyond loopback (and checks no thousand servers every 2 s).
    /// </summary>
    public bool Served { get; init; }

    /// <summary>The render settings of the controller <see cref="World.StartAsync"/> runs in this process.</summary>
    public RenderOptions RenderOptions { get; init; } = RenderOptions.Default;
}
