using Docker.DotNet.Models;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.Core.Validation;
using GitOps.Docker.Client;
using Microsoft.Extensions.Logging;

namespace GitOps.Docker.Discovery;

/// <summary>
/// Watches one Docker host and publishes every change in its running containers to an <see cref="IDiscoverySink"/>.
/// <para>
/// Gap-free by construction: the event subscription is opened first (resuming with <c>since=</c> the last event
/// seen), then the containers are listed and published as one <see cref="DiscoveryResynced"/>, then events are applied.
/// Each event is resolved by inspecting the container's current state, so an event replayed or read late can
/// never roll the picture back. The same sequence runs after every reconnection (engine restarted, socket
/// closed, a change the sink refused): the fresh <see cref="DiscoveryResynced"/> is authoritative, so containers that
/// went away during the outage disappear and new ones appear.
/// </para>
/// <para>
/// The engine sends nothing on a quiet host, and nothing either on a connection that died without closing (a stalled
/// proxy, a NAT entry dropped, a host gone without a FIN). After <see cref="DiscoveryWatcherOptions.EventIdleLimit"/>
/// without an event the watcher reconnects at once and resyncs; a resync that finds the picture unchanged publishes
/// nothing, so a quiet host costs one list request per idle limit and no stored event. On <c>tcp://</c> endpoints
/// TCP keepalive also fails a connection whose peer is gone.
/// </para>
/// <para>
/// One bad event is logged, counted in <see cref="FailedItems"/> and skipped; cancellation ends <see cref="RunAsync"/>.
/// </para>
/// </summary>
public sealed class DockerDiscoveryWatcher
{
    /// <summary>
    /// Inspects one existing container (stopped ones count) in the background, once: the first inspect of a process
    /// spends ~100 ms loading Docker.DotNet's inspect model, which the first container event would otherwise wait for.
    /// Nothing depends on it, so any failure is ignored (the first event then pays the cost).
    /// </summary>
    private async Task WarmUpInspectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var listed = await client.ListContainersAsync(all: true, cancellationToken).ConfigureAwait(false);
            if (listed.Containers.Count > 0)
            {
                await client.InspectContainerAsync(listed.Containers[0].Id, cancellationToken).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A warm-up only: the watcher's own requests report their failures.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>The event types and actions that can change what routing sees; everything else is ignored.</summary>
    private static readonly HashSet<string> ContainerActions = new(StringComparer.Ordinal)
    {
        "start", "restart", "die", "stop", "kill", "destroy", "pause", "unpause", "rename",
    };

    private readonly DockerEngineClient client;
    private readonly IDiscoverySink sink;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly DiscoveryWatcherOptions options;
    private readonly ContainerPicture picture;
    private long failedItems;
    private long reconnects;
    private long eventsHandled;
    private long idleReconnects;

    public DockerDiscoveryWatcher(DockerEngineClient client, string host, IDiscoverySink sink, TimeProvider timeProvider, ILogger<DockerDiscoveryWatcher> logger, DiscoveryWatcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.sink = sink;
        this.timeProvider = timeProvider;
        this.logger = logger;
        this.options = options ?? new DiscoveryWatcherOptions();
        Host = host;
        picture = new ContainerPicture(host);
    }

    /// <summary>The host name put on every change.</summary>
    public string Host { get; }

    /// <summary>The running containers as last published, by id; safe to read while the watcher runs.</summary>
    public IReadOnlyDictionary<string, ObservedContainer> Containers => picture.Containers;

    /// <summary>Events or list items that could not be handled and were skipped.</summary>
    public long FailedItems => Interlocked.Read(ref failedItems);

    /// <summary>How many times the watcher lost the engine (or the sink) and started over.</summary>
    public long Reconnects => Interlocked.Read(ref reconnects);

    /// <summary>Relevant events handled, whether or not they changed anything.</summary>
    public long EventsHandled => Interlocked.Read(ref eventsHandled);

    /// <summary>Of <see cref="Reconnects"/>, those because the event stream sent nothing for the idle limit.</summary>
    public long IdleReconnects => Interlocked.Read(ref idleReconnects);

    /// <summary>The background warm-up of the inspect path, started after the first resync.</summary>
    private Task? inspectWarmUp;

    /// <summary>Watches until <paramref name="cancellationToken"/> is cancelled; never returns otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = options.InitialBackoff;
        long lastEventNano = 0;
        var afterIdle = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var idle = false;
            try
            {
                var subscription = await client.SubscribeEventsAsync(WatchedEvents(lastEventNano), cancellationToken).ConfigureAwait(false);
                await using (subscription.ConfigureAwait(false))
                {
                    await ResyncAsync(publishUnchanged: !afterIdle, cancellationToken).ConfigureAwait(false);
                    inspectWarmUp ??= Task.Run(() => WarmUpInspectAsync(cancellationToken), CancellationToken.None);
                    afterIdle = false;
                    backoff = options.InitialBackoff;
                    await foreach (var message in subscription.ReadAllAsync(options.EventIdleLimit, timeProvider, cancellationToken).ConfigureAwait(false))
                    {
                        lastEventNano = Math.Max(lastEventNano, message.TimeNano ?? 0);
                        await HandleAsync(message, cancellationToken).ConfigureAwait(false);
                    }
                }

                DiscoveryWatcherLog.StreamEnded(logger, Host, client.Endpoint.ToString(), backoff.TotalMilliseconds);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (DockerEventStreamIdleException)
            {
                // Not a failure: a quiet host looks the same. Check at once; the resync publishes only what changed.
                idle = true;
                afterIdle = true;
                Interlocked.Increment(ref idleReconnects);
                DiscoveryWatcherLog.StreamIdle(logger, Host, client.Endpoint.ToString(), options.EventIdleLimit.TotalSeconds);
            }
#pragma warning disable CA1031 // The loop outlives any failure (engine gone, sink down, a bug in one item): log, count, start over.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                afterIdle = false;
                DiscoveryWatcherLog.ConnectionLost(logger, Host, client.Endpoint.ToString(), backoff.TotalMilliseconds, ex);
            }

            Interlocked.Increment(ref reconnects);
            if (idle)
            {
                continue;
            }

            await Task.Delay(backoff, timeProvider, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
        }
    }

    /// <summary>The event types and actions that can change what routing sees, resuming after <paramref name="lastEventNano"/> when known.</summary>
    private static ContainerEventsParameters WatchedEvents(long lastEventNano) => new()
    {
        // Inclusive: the last event is seen again, which is harmless (each event is resolved by inspecting the container).
        Since = lastEventNano > 0 ? DockerEngineClient.EventTime(lastEventNano) : null,
        Filters = new Dictionary<string, IDictionary<string, bool>> { ["type"] = new Dictionary<string, bool> { ["container"] = true, ["network"] = true } },
    };

    /// <summary>
    /// Lists the running containers and publishes them as one <see cref="DiscoveryResynced"/>; after an idle reconnect
    /// (<paramref name="publishUnchanged"/> false) only when they differ from the picture the sink already has.
    /// </summary>
    private async Task ResyncAsync(bool publishUnchanged, CancellationToken cancellationToken)
    {
        var listed = await client.ListContainersAsync(all: false, cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in listed.Diagnostics)
        {
            Interlocked.Increment(ref failedItems);
            DiscoveryWatcherLog.ListItemSkipped(logger, Host, diagnostic.ToString());
        }

        // A container told to stop may still be listed as running; it stays out unless it has exited or runs anew since.
        foreach (var (id, startedAt) in picture.GoingAway.ToList())
        {
            if (await InspectOrNullAsync(id, cancellationToken).ConfigureAwait(false) is not { Container.IsRunning: true } inspected
                || inspected.StartedAt != startedAt)
            {
                picture.Forget(id);
            }
        }

        var result = picture.Replace(listed.Containers);
        if (!publishUnchanged && result.Added == 0 && result.Removed == 0 && result.Changed == 0)
        {
            DiscoveryWatcherLog.StreamChecked(logger, Host, result.Resynced.Snapshot.Count);
            return;
        }

        DiscoveryWatcherLog.Resynced(logger, Host, result.Resynced.Snapshot.Count, result.Added, result.Removed, result.Changed);
        await PublishAsync(result.Resynced, cancellationToken).ConfigureAwait(false);
        foreach (var rejected in result.Rejected)
        {
            await PublishAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(Message dockerEvent, CancellationToken cancellationToken)
    {
        if (ContainerOf(dockerEvent) is not { } id)
        {
            return;
        }

        Interlocked.Increment(ref eventsHandled);
        InspectedContainer? inspected;
        try
        {
            inspected = dockerEvent.Action == "destroy" ? null : await InspectOrNullAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerApiException or DockerProtocolException)
        {
            // One container the engine cannot describe must not stop the others; the next resync retries it.
            Interlocked.Increment(ref failedItems);
            DiscoveryWatcherLog.EventFailed(logger, Host, dockerEvent.Type, ConfigToken.Printable(dockerEvent.Action), id, ex);
            return;
        }

        // "kill" is the first thing Docker says when a container is told to stop (docker stop, restart, compose down or
        // scale), while the process still runs and serves: the earliest moment to take it out of rotation. Only the
        // container's own stop signal and SIGKILL mean that; any other signal (SIGHUP to reload, SIGUSR1) leaves it in.
        // A kill read late, after the container started again, concerns an earlier run: the current one is taken as it is.
        var changes = dockerEvent.Action == "kill" && inspected is not null && EndingSignal(dockerEvent, inspected) is { } signal
            ? inspected.Container.IsRunning ? picture.Stopping(id, inspected.StartedAt, signal) : picture.Apply(id, inspected, signal)
            : picture.Apply(id, inspected);
        foreach (var change in changes)
        {
            await PublishAsync(change, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The name of the signal a <c>kill</c> event delivered when it ends the container (its stop signal or SIGKILL), else null.</summary>
    private static string? EndingSignal(Message dockerEvent, InspectedContainer inspected) =>
        (dockerEvent.TimeNano is not { } time || DateTimeOffset.UnixEpoch.AddTicks(time / 100) >= inspected.StartedAt)
        && dockerEvent.Actor.Attributes?.TryGetValue("signal", out var text) == true
        && StopSignals.Parse(text) is { } number
        && (number == StopSignals.Kill || number == inspected.StopSignal)
            ? StopSignals.Name(number)
            : null;

    /// <summary>The container an event concerns when it can change routing, else null.</summary>
    private static string? ContainerOf(Message dockerEvent)
    {
        var id = dockerEvent.Type switch
        {
            "container" when ContainerActions.Contains(dockerEvent.Action) || dockerEvent.Action.StartsWith("health_status", StringComparison.Ordinal) => dockerEvent.Actor.ID,
            "network" when dockerEvent.Action is "connect" or "disconnect" => dockerEvent.Actor.Attributes?.TryGetValue("container", out var container) == true ? container : null,
            _ => null,
        };
        return ConfigToken.IsDockerId(id) ? id : null;
    }

    private async Task<InspectedContainer?> InspectOrNullAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await client.InspectLifecycleAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.IsNotFound)
        {
            return null;
        }
    }

    private async Task PublishAsync(IDiscoveryEvent change, CancellationToken cancellationToken)
    {
        try
        {
            await sink.PublishAsync(change, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever the sink throws, the remedy is the same: start over with a full resync.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DiscoveryWatcherLog.PublishFailed(logger, Host, change.GetType().Name, ex);
            throw new DiscoveryPublishException($"the discovery sink refused {change.GetType().Name}", ex);
        }

        if (change is ContainerLabelRejected rejected)
        {
            foreach (var diagnostic in rejected.Diagnostics)
            {
                DiscoveryWatcherLog.LabelRejected(logger, Host, ConfigToken.Printable(rejected.Name), diagnostic);
            }
        }
        else
        {
            DiscoveryWatcherLog.Changed(logger, Host, change.GetType().Name, Describe(change));
        }
    }

    private string Describe(IDiscoveryEvent change) => change switch
    {
        ContainerStarted started => started.Name,
        ContainerStopped { Signal: { } signal } stopped => $"{stopped.Name} ({signal})",
        ContainerStopped stopped => stopped.Name,
        ContainerHealthChanged health => NameOf(health.ContainerId),
        ContainerAddressChanged address => NameOf(address.ContainerId),
        DiscoveryResynced resynced => $"{resynced.Snapshot.Count} containers",
        _ => "",
    };

    private string NameOf(string id) => picture.Containers.TryGetValue(id, out var container) ? container.Name : id;
}
