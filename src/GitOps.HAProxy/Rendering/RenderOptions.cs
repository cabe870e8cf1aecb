namespace GitOps.HAProxy.Rendering;

/// <summary>Host-specific settings of a rendered configuration that do not come from Git.</summary>
public sealed record RenderOptions
{
    public static RenderOptions Default { get; } = new();

    /// <summary>Directory of the admin socket and pid file; created by the agent, not by the renderer.</summary>
    public string RuntimeDirectory { get; init; } = "/run/gitops-haproxy";

    /// <summary>Address every service frontend binds to; null binds all IPv4 addresses.</summary>
    public string? BindAddress { get; init; }

    /// <summary>Send HAProxy's logs to standard output (the agent's journal); off keeps the config log-free.</summary>
    public bool LogToStdout { get; init; }

    /// <summary>How long an old worker may keep long-lived connections after a reload; null waits for them forever.</summary>
    public TimeSpan? HardStopAfter { get; init; }

    /// <summary>The admin-level stats socket the runtime API is driven through.</summary>
    public string AdminSocketPath => RuntimeDirectory.TrimEnd('/') + "/admin.sock";

    public string PidFilePath => RuntimeDirectory.TrimEnd('/') + "/haproxy.pid";
}
