using GitOps.EventStore;
using GitOps.EventStore.Errors;
using GitOps.Git;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// The controller (DESIGN §1, §5): watches one branch of the desired-state repository, follows every
/// Docker host's discovery stream in the store, and publishes one <c>haproxy -c</c>-checked configuration
/// per load-balancer host as ConfigRendered, with its causes. Any number may run against one store: one
/// leads (a PostgreSQL advisory lock), the others wait and take over within a few seconds of its death.
/// Start with <see cref="StartAsync"/>, stop with <see cref="StopAsync"/> (or dispose).
/// </summary>
public sealed class ControllerService : IAsyncDisposable
{
    private readonly MartenEventStore store;
    private readonly ControllerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private CancellationTokenSource? running;
    private RefChangeSignal? gitSignal;
    private Task? loop;
    private volatile bool isLeader;

    /// <param name="store">An open store; it stays owned by the caller.</param>
    /// <param name="options">What to watch and how.</param>
    /// <param name="loggerFactory">Where decisions are logged (category <c>controller</c>).</param>
    /// <param name="timeProvider">The clock for coalescing and polling.</param>
    public ControllerService(MartenEventStore store, ControllerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        this.store = store;
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("controller");
    }

    /// <summary>Whether this controller currently holds leadership.</summary>
    public bool IsLeader => isLeader;

    /// <summary>The branch being followed, known once started.</summary>
    public string? Branch { get; private set; }

    /// <summary>Completes when the background loop has ended (after <see cref="StopAsync"/>).</summary>
    public Task Completion => loop ?? Task.CompletedTask;

    /// <summary>
    /// Opens the repository (so a bad <c>--repo</c> or <c>--branch</c> fails here, with a one-line reason)
    /// and starts competing for leadership in the background.
    /// </summary>
    /// <exception cref="GitSourceException">The repository cannot be opened or the branch does not exist.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (loop is not null)
        {
            throw new InvalidOperationException("The controller is already started.");
        }

        var repository = await GitRepository.OpenAsync(options.Repository, options.GitOptions, logger, cancellationToken).ConfigureAwait(false);
        var branch = options.Branch ?? await GitWatcher.DefaultBranchAsync(repository, cancellationToken).ConfigureAwait(false);
        await repository.ResolveAsync("refs/heads/" + branch, cancellationToken).ConfigureAwait(false);
        Branch = branch;
        gitSignal = RefChangeSignal.Create(repository.IsRemote ? null : repository.GitDirectory);
        running = new CancellationTokenSource();
        loop = Task.Run(() => LeadOrFollowAsync(repository, branch, gitSignal, running.Token), CancellationToken.None);
    }

    /// <summary>
    /// Asks the leading controller's Git watcher to look at the branch now rather than at the next poll (a forge announced a
    /// push): a remote is asked whether the branch moved and fetched when it did. Does nothing before <see cref="StartAsync"/>
    /// or while this controller follows another.
    /// </summary>
    public void FetchNow() => gitSignal?.Wake();

    /// <summary>Stops rendering and releases leadership (another controller takes over at once); waits for the loop to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (running is null || loop is null)
        {
            return;
        }

        await running.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The loop ends by cancellation.
        }
    }

    /// <summary>Starts (unless <see cref="StartAsync"/> did), runs until <paramref name="cancellationToken"/> is cancelled (Ctrl-C), then stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (loop is null)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: stop below.
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        running?.Dispose();
        gitSignal?.Dispose();
    }

    private async Task LeadOrFollowAsync(GitRepository repository, string branch, RefChangeSignal signal, CancellationToken cancellationToken)
    {
        var following = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            LeaderLock? leaderLock;
            try
            {
                leaderLock = await LeaderLock.TryAcquireAsync(store.Options.ConnectionString, options.LockName, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The database may be away for a while: keep trying, logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogLoopFailed(ex, "leader election");
                await DelayAsync(options.LeaderPollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (leaderLock is null)
            {
                if (!following)
                {
                    ControllerLog.Following(logger, options.LockName);
                    following = true;
                }

                await DelayAsync(options.LeaderPollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            following = false;
            await using (leaderLock.ConfigureAwait(false))
            {
                await LeadAsync(leaderLock, repository, branch, signal, cancellationToken).ConfigureAwait(false);
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                // Give another controller the chance to take over before competing again.
                await DelayAsync(options.LeaderPollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task LeadAsync(LeaderLock leaderLock, GitRepository repository, string branch, RefChangeSignal signal, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        isLeader = true;
        var monitor = MonitorAsync(leaderLock, session, cancellationToken);
        string? reason = null;
        try
        {
            await new LeaderSession(store, repository, branch, signal, options, timeProvider, logger).RunAsync(session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            reason = cancellationToken.IsCancellationRequested ? null : "the lock's connection was lost";
        }
        catch (WrongExpectedVersionException ex)
        {
            ControllerLog.LostRace(logger, ex.Stream);
            reason = "another controller published first";
        }
#pragma warning disable CA1031 // Leadership ends on any failure; the loop competes again and the new session recovers from the store.
        catch (Exception ex) when (StoreOutage.Is(ex))
#pragma warning restore CA1031
        {
            // Routine: the leadership-lost line below says it all.
            reason = "the event store is away: " + StoreOutage.Describe(ex);
        }
#pragma warning disable CA1031 // Same.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLoopFailed(ex, "leader session");
            reason = "the session failed";
        }
        finally
        {
            isLeader = false;
            await session.CancelAsync().ConfigureAwait(false);
            await monitor.ConfigureAwait(false);
            if (reason is null)
            {
                // Stopping on purpose (Ctrl-C) is no loss worth a warning.
                ControllerLog.LeadershipReleased(logger, options.LockName);
            }
            else
            {
                ControllerLog.LeadershipLost(logger, options.LockName, reason);
            }
        }
    }

    /// <summary>Ends the session as soon as the lock is no longer held.</summary>
    private async Task MonitorAsync(LeaderLock leaderLock, CancellationTokenSource session, CancellationToken stopping)
    {
        while (!session.IsCancellationRequested)
        {
            await DelayAsync(options.LeaderPollInterval, session.Token).ConfigureAwait(false);
            using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
            if (!session.IsCancellationRequested && !stopping.IsCancellationRequested && !await leaderLock.IsHeldAsync(probe.Token).ConfigureAwait(false))
            {
                await session.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>An event store that is away (restarting, unreachable) is routine: one line; anything else comes with its stack trace.</summary>
    private void LogLoopFailed(Exception exception, string activity)
    {
        var delayMs = (long)options.LeaderPollInterval.TotalMilliseconds;
        if (StoreOutage.Is(exception))
        {
            ControllerLog.StoreAway(logger, activity, delayMs, StoreOutage.Describe(exception));
        }
        else
        {
            ControllerLog.LoopFailed(logger, exception, activity, delayMs);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
