using GitOps.Docker.Client;
using GitOps.HAProxy.Rendering;
using GitOps.HAProxy.Runtime;

namespace GitOps.Reconciler.Agent;

/// <summary>What one <see cref="AgentHost"/> runs: its host name, where it keeps HAProxy's files, and its loops' timing.</summary>
public sealed record AgentOptions
{
    /// <summary>The <c>/run</c> directory HAProxy's sockets and pid file go in unless told otherwise (<c>RenderOptions.RuntimeDirectory</c>'s default).</summary>
    public const string DefaultRuntimeDirectory = "/run/gitops-haproxy";

    /// <summary>The load-balancer host this agent applies for: it reads <c>config-&lt;host&gt;</c> and writes <c>applied-&lt;host&gt;</c>, <c>docker-&lt;host&gt;</c> and <c>host-&lt;host&gt;</c>.</summary>
    public required string Host { get; init; }

    /// <summary>
    /// The agent's own directory. HAProxy's config file is <c>&lt;DataDirectory&gt;/haproxy/haproxy.cfg</c>, with the last
    /// applied text and its version beside it (<c>haproxy.cfg.applied</c>), which is how a restarted agent knows what runs.
    /// </summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// HAProxy's runtime directory: master CLI socket, pid file, and the admin socket (<c>admin.sock</c>) the rendered
    /// configuration declares. It MUST be the controller's <c>RenderOptions.RuntimeDirectory</c>: the agent drives the
    /// runtime API through <c>&lt;RuntimeDirectory&gt;/admin.sock</c>, the socket the controller wrote into the config.
    /// </summary>
    public string RuntimeDirectory { get; init; } = DefaultRuntimeDirectory;

    /// <summary>The Docker engine to watch; null runs without discovery (as does an engine that does not answer at start).</summary>
    public DockerEndpoint? DockerEndpoint { get; init; }

    /// <summary>How long a removed server may keep its sessions before they are shut down.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the live HAProxy is compared with the applied configuration (and the streams re-read, as a safety net).</summary>
    public TimeSpan DriftCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the files the configuration needs (TLS certificates) are checked again on this host, so that a file put
    /// in place (or removed) is noticed and its service served again (or left out) without a restart.
    /// </summary>
    public TimeSpan HostFactsInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Stop HAProxy when the agent stops. Off by default: HAProxy keeps serving the last applied configuration, and the next agent adopts it.</summary>
    public bool StopHAProxyOnShutdown { get; init; }

    /// <summary>
    /// When HAProxy cannot start because it cannot listen where its configuration says (a port another program holds, a
    /// port below 1024 without the privilege), end <see cref="AgentHost.RunAsync"/> with a <see cref="ListenerConflictException"/>
    /// naming the port and whose it is, instead of retrying: for a command-line run, where only the operator can free the port.
    /// On a host that never served, the failure is stored as <see cref="Core.Events.ApplyFailed"/> first.
    /// </summary>
    public bool StopWhenHAProxyCannotListen { get; init; }

    /// <summary>The haproxy program: a name looked up on PATH (and /usr/sbin) or a path.</summary>
    public string HAProxyProgram { get; init; } = "haproxy";

    /// <summary>The iptables program, run while a service of this host has <c>clientAddress: transparent</c>: a name looked up on PATH (and /usr/sbin) or a path.</summary>
    public string IptablesProgram { get; init; } = "iptables";

    /// <summary>The keepalived program, run while this host belongs to a virtual-address group: a name looked up on PATH (and /usr/sbin) or a path.</summary>
    public string KeepalivedProgram { get; init; } = "keepalived";

    /// <summary>How often the notify log is read for keepalived's state changes to record.</summary>
    public TimeSpan NoticeInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a planned hand-over (stopping with <see cref="StopHAProxyOnShutdown"/>) waits for a peer to hold the addresses before HAProxy stops anyway.</summary>
    public TimeSpan HandOverTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often an agent whose host holds a virtual address checks whether a host of higher preference in its group is
    /// healthy again (its agent recorded it as a backup), to hand the address back to it.
    /// </summary>
    public TimeSpan HandBackCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a hand-back waits for the preferred host to take the address before this host takes part again.</summary>
    public TimeSpan HandBackTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The longest a planned hand-over waits for the connections open on this host's virtual addresses to finish before it
    /// moves them (new ones are turned away meanwhile, and retried by their clients a second later at the peer).
    /// </summary>
    public TimeSpan HandOverDrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait before retrying after a failure of the store, HAProxy's start, or the streams' subscription.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The actor stored with the agent's events: <c>agent@&lt;Host&gt;</c>.</summary>
    public string Actor => "agent@" + Host;

    /// <summary>keepalived's directory: its configuration, scripts, notify log and pid files, beside HAProxy's sockets.</summary>
    public string KeepalivedDirectory => Path.Combine(RuntimeDirectory, "keepalived");

    /// <summary>HAProxy's config file.</summary>
    public string ConfigPath => Path.Combine(DataDirectory, "haproxy", "haproxy.cfg");

    /// <summary>The admin-level stats socket the rendered configuration declares.</summary>
    public string AdminSocketPath => new RenderOptions { RuntimeDirectory = RuntimeDirectory }.AdminSocketPath;
}
