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
/// One bad event is logged, counted in <see cref="FailedItems"/> and skipped; cancellation ends <see cref="RunAsync"/>.
/// </para>
/// </summary>
public sealed class DockerDiscoveryWatcher
{
    /// <summary>The event types and actions that can change what routing sees; everything else is ignored.</summary>
    private static readonly DockerEventsQuery WatchedEvents = new()
    {
        Filters = new Dictionary<string, IReadOnlyList<string>> { ["type"] = ["container", "network"] },
    };

    private static readonly HashSet<string> ContainerActions = new(StringComparer.Ordinal)
    {
        "start", "restart", "die", "stop", "kill", "destroy", "pause", "unpause", "rename",
    };

    private readonly DockerClient client;
    private readonly IDiscoverySink sink;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly DiscoveryWatcherOptions options;
    private readonly ContainerPicture picture;
    private long failedItems;
    private long reconnects;
    private long eventsHandled;

    public DockerDiscoveryWatcher(DockerClient client, string host, IDiscoverySink sink, TimeProvider timeProvider, ILogger<DockerDiscoveryWatcher> logger, DiscoveryWatcherOptions? options = null)
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

    /// <summary>Watches until <paramref name="cancellationToken"/> is cancelled; never returns otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = options.InitialBackoff;
        long lastEventNano = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var query = lastEventNano > 0 ? WatchedEvents with { Since = DateTimeOffset.UnixEpoch.AddTicks(lastEventNano / 100) } : WatchedEvents;
                var subscription = await client.SubscribeEventsAsync(query, cancellationToken).ConfigureAwait(false);
                await using (subscription.ConfigureAwait(false))
                {
                    await ResyncAsync(cancellationToken).ConfigureAwait(false);
                    backoff = options.InitialBackoff;
                    await foreach (var dockerEvent in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        lastEventNano = Math.Max(lastEventNano, dockerEvent.TimeNano);
                        await HandleAsync(dockerEvent, cancellationToken).ConfigureAwait(false);
                    }
                }

                DiscoveryWatcherLog.StreamEnded(logger, Host, client.Endpoint.ToString(), backoff.TotalMilliseconds);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The loop outlives any failure (engine gone, sink down, a bug in one item): log, count, start over.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                DiscoveryWatcherLog.ConnectionLost(logger, Host, client.Endpoint.ToString(), backoff.TotalMilliseconds, ex);
            }

            Interlocked.Increment(ref reconnects);
            await Task.Delay(backoff, timeProvider, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        var listed = await client.ListContainersAsync(all: false, cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in listed.Diagnostics)
        {
            Interlocked.Increment(ref failedItems);
            DiscoveryWatcherLog.ListItemSkipped(logger, Host, diagnostic.ToString());
        }

        var result = picture.Replace(listed.Containers);
        DiscoveryWatcherLog.Resynced(logger, Host, result.Resynced.Snapshot.Count, result.Added, result.Removed, result.Changed);
        await PublishAsync(result.Resynced, cancellationToken).ConfigureAwait(false);
        foreach (var rejected in result.Rejected)
        {
            await PublishAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(DockerEvent dockerEvent, CancellationToken cancellationToken)
    {
        if (ContainerOf(dockerEvent) is not { } id)
        {
            return;
        }

        Interlocked.Increment(ref eventsHandled);
        ObservedContainer? observed;
        try
        {
            observed = dockerEvent.Action == "destroy" ? null : await InspectOrNullAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerApiException or DockerProtocolException)
        {
            // One container the engine cannot describe must not stop the others; the next resync retries it.
            Interlocked.Increment(ref failedItems);
            DiscoveryWatcherLog.EventFailed(logger, Host, dockerEvent.Type, ConfigToken.Printable(dockerEvent.Action), id, ex);
            return;
        }

        foreach (var change in picture.Apply(id, observed))
        {
            await PublishAsync(change, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The container an event concerns when it can change routing, else null.</summary>
    private static string? ContainerOf(DockerEvent dockerEvent)
    {
        var id = dockerEvent.Type switch
        {
            "container" when ContainerActions.Contains(dockerEvent.Action) || dockerEvent.Action.StartsWith("health_status", StringComparison.Ordinal) => dockerEvent.ActorId,
            "network" when dockerEvent.Action is "connect" or "disconnect" => dockerEvent.Attributes.TryGetValue("container", out var container) ? container : null,
            _ => null,
        };
        return ConfigToken.IsDockerId(id) ? id : null;
    }

    private async Task<ObservedContainer?> InspectOrNullAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await client.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
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
        ContainerStopped stopped => stopped.Name,
        ContainerHealthChanged health => NameOf(health.ContainerId),
        ContainerAddressChanged address => NameOf(address.ContainerId),
        DiscoveryResynced resynced => $"{resynced.Snapshot.Count} containers",
        _ => "",
    };

    private string NameOf(string id) => picture.Containers.TryGetValue(id, out var container) ? container.Name : id;
}
