using System.Diagnostics;
using System.Threading.Channels;
using GitOps.Core.Collections;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Agent;
using CoreApplyMethod = GitOps.Core.Events.ApplyMethod;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// One host's agent as the event store sees it, without HAProxy. <see cref="AgentHost"/> has no seam for HAProxy (it
/// builds its supervisor and applier itself, and only the haproxy program's path is an option), so this does the
/// agent's store work with the agent's own parts, on a <see cref="MartenEventStore"/> of its own (its own connection
/// pool and notification listener, named <c>gitops agent@&lt;host&gt;</c>, as a separate process has).
/// <para>
/// Real, as <see cref="AgentHost"/> does it: an <see cref="AgentStarted"/> on <c>agents</c> at start; a subscription
/// (<c>agent@&lt;host&gt;</c>) to the streams the agent follows (<c>AgentHost.WatchedStreams</c>) waking the agent for each event of <c>config-&lt;host&gt;</c>, each rollback
/// request for the host and each new desired state; on each wake, and every 30 s as the drift check does, a pass that
/// reads the newest applied event once, decides with <see cref="AgentTargetReader"/> (operator and
/// <c>config-&lt;host&gt;</c> streams), appends <see cref="ConfigApplied"/> to <c>applied-&lt;host&gt;</c> with the event
/// id, actor, commit and causation the agent gives it, and reads the desired state in force (which the agent's
/// virtual-address step reads each pass).
/// </para>
/// <para>
/// Simulated: HAProxy is neither started nor applied to; the ConfigApplied says <see cref="CoreApplyMethod.Start"/> for
/// the first and <see cref="CoreApplyMethod.Reload"/> for later ones, with a duration of the pass alone and one
/// operation saying so. Left out: the host-file checks (the configurations need no files, so the agent would store no
/// <see cref="HostFactsObserved"/>), Docker discovery (the agent runs without an engine here too), loading the desired
/// state and keepalived (no virtual addresses are declared). The subscription starts at the store's head, where the
/// agent starts at the newest event of its own streams; both find the same configuration on the first pass.
/// </para>
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    /// <summary>The interval of the agent's drift check, which also re-reads its streams.</summary>
    private static readonly TimeSpan DriftCheckInterval = TimeSpan.FromSeconds(30);

    /// <summary>The agent's wait before retrying a failed step.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private static readonly ValueList<string> Operations = ValueList.Create("simulated apply: no HAProxy (benchmark)");

    private readonly MartenEventStore store;
    private readonly string host;
    private readonly string actor;
    private readonly string appliedStream;
    private readonly AgentTargetReader reader;
    private readonly CancellationTokenSource stopping = new();
    private (long Version, Guid? RollbackRequestId)? lastRecorded;
    private bool lastRecordedRead;
    private long failedSteps;
    private Task run = Task.CompletedTask;

    private SimulatedAgent(MartenEventStore store, string host)
    {
        this.store = store;
        this.host = host;
        actor = "agent@" + host;
        appliedStream = StreamNames.Applied(host);
        reader = new AgentTargetReader(store, host);
    }

    /// <summary>Passes and subscriptions that failed and were retried.</summary>
    public long FailedSteps => Interlocked.Read(ref failedSteps);

    /// <summary>The last failure, for the report when <see cref="FailedSteps"/> is not 0.</summary>
    public Exception? LastFailure { get; private set; }

    /// <summary>Opens the agent's store (with the read models every gitops process keeps) and starts the agent.</summary>
    public static async Task<SimulatedAgent> StartAsync(string connectionString, string host, CancellationToken cancellationToken)
    {
        var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = connectionString, Actor = "agent@" + host }, cancellationToken: cancellationToken);
        var agent = new SimulatedAgent(store, host);
        try
        {
            var from = await store.HeadAsync(cancellationToken);
            var started = new NewEvent(new AgentStarted { Host = host }) { EventId = Guid.CreateVersion7(), Actor = agent.actor };
            await store.AppendAsync(StreamNames.Agents, ExpectedVersion.Any, started, cancellationToken);
            agent.run = Task.Run(() => agent.RunAsync(from, agent.stopping.Token), CancellationToken.None);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await store.DisposeAsync();
        stopping.Dispose();
    }

    private async Task RunAsync(GlobalPosition from, CancellationToken cancellationToken)
    {
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var watch = Task.Run(() => WatchAsync(from, wake.Writer, cancellationToken), CancellationToken.None);
        try
        {
            while (true)
            {
                var wait = await StepAsync(cancellationToken) ? DriftCheckInterval : RetryDelay;
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timer.CancelAfter(wait);
                try
                {
                    await wake.Reader.ReadAsync(timer.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The periodic pass.
                }
            }
        }
        finally
        {
            await watch.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One pass of the agent: what it reads and appends, without HAProxy. False when it failed.</summary>
    private async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var began = Stopwatch.GetTimestamp();
            await ReadLastRecordedAsync(cancellationToken);
            var decision = await reader.ReadAsync(cancellationToken);
            if (decision.Target is { } target && !Equals(lastRecorded, target.Key))
            {
                var method = lastRecorded is null ? CoreApplyMethod.Start : CoreApplyMethod.Reload;
                var applied = AgentEvents.Applied(host, target, method, Stopwatch.GetElapsedTime(began), target.Config.Sha256, Operations);
                await store.AppendAsync(appliedStream, ExpectedVersion.Any, new NewEvent(applied)
                {
                    EventId = AgentEvents.IdFor(host, target, applied),
                    Actor = actor,
                    Commit = target.Config.Commit,
                    CausationId = target.RollbackRequestId ?? target.ConfigEventId,
                }, cancellationToken);
                lastRecorded = target.Key;
            }

            await DesiredInForce.ReadAsync(store, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // As the agent: a failed pass is counted (the suite reports it) and retried.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref failedSteps);
            LastFailure = ex;
            return false;
        }
    }

    private async Task ReadLastRecordedAsync(CancellationToken cancellationToken)
    {
        if (lastRecordedRead)
        {
            return;
        }

        await foreach (var recorded in store.ReadStreamAsync(appliedStream, ReadDirection.Backwards, cancellationToken: cancellationToken))
        {
            if (recorded.Data is ConfigApplied applied)
            {
                lastRecorded = (applied.Version, applied.RollbackRequestId);
                break;
            }
        }

        lastRecordedRead = true;
    }

    /// <summary>Wakes the pass for what wakes the agent: its configurations, rollbacks of its host, new desired states.</summary>
    private async Task WatchAsync(GlobalPosition after, ChannelWriter<bool> wake, CancellationToken cancellationToken)
    {
        var configStream = StreamNames.Config(host);
        var position = after;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var recorded in store.SubscribeAsync(actor, position, AgentHost.WatchedStreams(host), cancellationToken))
                {
                    position = recorded.Position;
                    if (recorded.Stream == configStream
                        || (recorded.Data is RollbackRequested request && request.Host == host && recorded.Stream == StreamNames.Operator)
                        || (recorded.Data is DesiredStateObserved && recorded.Stream == StreamNames.Desired))
                    {
                        wake.TryWrite(true);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // As the agent: the subscription outlives any failure; counted, and resubscribed after the retry delay.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref failedSteps);
                LastFailure = ex;
                wake.TryWrite(true);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
