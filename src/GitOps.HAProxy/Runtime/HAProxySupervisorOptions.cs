namespace GitOps.HAProxy.Runtime;

/// <summary>Where and how <see cref="HAProxySupervisor"/> runs HAProxy.</summary>
public sealed record HAProxySupervisorOptions
{
    /// <summary>The config file HAProxy starts and reloads from.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>
    /// HAProxy's own directory: master CLI socket, pid file, and the admin socket the rendered config
    /// names (<c>RenderOptions.RuntimeDirectory</c>). Created when missing.
    /// </summary>
    public required string RuntimeDirectory { get; init; }

    /// <summary>The haproxy program: a name looked up on PATH (and /usr/sbin) or a path.</summary>
    public string HAProxyProgram { get; init; } = "haproxy";

    /// <summary>The master CLI (<c>-S</c>).</summary>
    public string MasterSocketPath => Path.Combine(RuntimeDirectory, "master.sock");

    /// <summary>The pid file (<c>-p</c>): the master's pid, which is how a restarted agent finds it.</summary>
    public string PidFilePath => Path.Combine(RuntimeDirectory, "haproxy.pid");

    /// <summary>How long a start may take until a worker answers.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a reload may take until the master has counted it and a new worker answers.</summary>
    public TimeSpan ReloadTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a soft stop (SIGUSR1: stop listening, finish the connections in flight) may take
    /// before SIGTERM; zero skips the soft stop.
    /// </summary>
    public TimeSpan SoftStopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the master may take to exit after SIGTERM before the processes are killed.</summary>
    public TimeSpan TerminateTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the master CLI is polled while waiting for a start or a reload.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How often a running HAProxy is checked for being alive (a child's exit is noticed at once).</summary>
    public TimeSpan MonitorInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Restart HAProxy when it dies; off for callers that want to see the death (tests).</summary>
    public bool RestartOnExit { get; init; } = true;

    /// <summary>The wait before the first restart; it doubles on each quick failure up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan MinRestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts; a process that ran at least this long resets the backoff.</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);
}
