using GitOps.Git;
using GitOps.HAProxy.Rendering;

namespace GitOps.Reconciler.Controller;

/// <summary>How a <see cref="ControllerService"/> watches Git, renders and competes for leadership.</summary>
public sealed record ControllerOptions
{
    /// <summary>The desired-state repository: a local path (watched) or a URL (polled).</summary>
    public required string Repository { get; init; }

    /// <summary>The branch to follow; null follows the repository's HEAD branch (the remote's default branch for a URL).</summary>
    public string? Branch { get; init; }

    /// <summary>How often a URL is polled (ls-remote, fetch only when moved); also the fallback poll of a local path's watcher.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The shortest time between two renderings: an input after a quiet spell is rendered at once, and inputs that arrive
    /// sooner after a rendering are collected until this long after it, then rendered once. Zero renders after every read.
    /// </summary>
    public TimeSpan CoalesceWindow { get; init; } = TimeSpan.FromMilliseconds(75);

    /// <summary>How often a controller that is not the leader tries to take the lock, and the leader checks it still holds it.</summary>
    public TimeSpan LeaderPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Name of the leadership lock; controllers with the same name on one database elect one leader.</summary>
    public string LockName { get; init; } = "gitops.controller";

    /// <summary>
    /// Render settings shared by every host; a <see cref="HostRuntimeDirectory.Placeholder"/> in
    /// <see cref="RenderOptions.RuntimeDirectory"/> is replaced by each host's name (see <see cref="RenderOptionsFor"/>).
    /// </summary>
    public RenderOptions RenderOptions { get; init; } = RenderOptions.Default;

    /// <summary>The haproxy program used for <c>haproxy -c</c>.</summary>
    public string HAProxyProgram { get; init; } = "haproxy";

    /// <summary>How git is run (mirror cache, timeouts).</summary>
    public GitRepositoryOptions? GitOptions { get; init; }

    /// <summary>The render settings of <paramref name="host"/>: <see cref="RenderOptions"/> with its runtime directory made the host's.</summary>
    public RenderOptions RenderOptionsFor(string host) =>
        RenderOptions.RuntimeDirectory.Contains(HostRuntimeDirectory.Placeholder, StringComparison.Ordinal)
            ? RenderOptions with { RuntimeDirectory = HostRuntimeDirectory.For(RenderOptions.RuntimeDirectory, host) }
            : RenderOptions;

    /// <summary>
    /// The store checkpoint of the last input the leader has handled: a new leader treats inputs up to it as done
    /// and renders only those after it, so no cause is rendered twice.
    /// </summary>
    public string CheckpointName => "controller:" + LockName;

    /// <summary>The id of the leader's <see cref="ControllerSnapshot"/> document.</summary>
    public string SnapshotName => "controller:" + LockName;

    /// <summary>How many events the leader handles between two snapshots of its state (a new leader replays at most about this many).</summary>
    public int SnapshotEvery { get; init; } = 5_000;
}
