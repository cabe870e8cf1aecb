namespace GitOps.Reconciler.ReadModels;

/// <summary>One load-balancer host: the configuration it should run against the one it runs.</summary>
public sealed record HostStatus
{
    public required string Host { get; init; }

    /// <summary>The latest rendered version (0: none yet).</summary>
    public required long DesiredVersion { get; init; }

    public string? DesiredCommit { get; init; }

    /// <summary>The version the agent last applied; null when it never reported.</summary>
    public long? AppliedVersion { get; init; }

    /// <summary><see cref="HostState.Converged"/>, <see cref="HostState.Pending"/>, <see cref="HostState.Failed"/>, <see cref="HostState.Pinned"/> or <see cref="HostState.Undeclared"/>.</summary>
    public required string State { get; init; }

    /// <summary>The last apply failure or refused render; null when none.</summary>
    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>When <see cref="State"/> is <see cref="HostState.Pinned"/>: the actor of the rollback that pinned it.</summary>
    public string? PinnedBy { get; init; }

    /// <summary>
    /// The services the latest rendered configuration leaves out because a file they need is not usable on the host: one
    /// error line each, naming the service, where Git names the file, the host, the path and the fix.
    /// </summary>
    public IReadOnlyList<string> LeftOut { get; init; } = [];
}
