using GitOps.Docker.Client;
using GitOps.Docker.Discovery;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.Docker.Tests.Discovery;

/// <summary>A watcher running in the background for one test, with its sink; disposing stops it and surfaces an unexpected failure.</summary>
internal sealed class WatcherRun : IAsyncDisposable
{
    private readonly DockerEngineClient client;
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    public WatcherRun(string endpoint, TimeProvider? timeProvider = null, DiscoveryWatcherOptions? options = null, DockerClientOptions? clientOptions = null)
        : this(DockerEndpoint.Parse(endpoint), timeProvider, options, clientOptions)
    {
    }

    public WatcherRun(DockerEndpoint endpoint, TimeProvider? timeProvider = null, DiscoveryWatcherOptions? options = null, DockerClientOptions? clientOptions = null)
    {
        client = new DockerEngineClient(endpoint, clientOptions);
        Watcher = new DockerDiscoveryWatcher(client, "lb1", Sink, timeProvider ?? TimeProvider.System, NullLogger<DockerDiscoveryWatcher>.Instance, options);
        running = Task.Run(() => Watcher.RunAsync(stop.Token));
    }

    public RecordingSink Sink { get; } = new();

    public DockerDiscoveryWatcher Watcher { get; }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
            // The watcher ends only by cancellation: that is the expected way out.
        }

        stop.Dispose();
        client.Dispose();
    }
}
