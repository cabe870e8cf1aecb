using GitOps.Core.Discovery;
using GitOps.Core.Events;

namespace GitOps.Cli.Commands.Discover;

/// <summary>Prints each change as one line (text or JSON) as soon as the watcher publishes it.</summary>
internal sealed class WriterSink(TextWriter output, bool json, TimeProvider timeProvider) : IDiscoverySink
{
    // The watcher publishes from one loop, one change at a time: no lock needed.
    private ObservedContainers known = ObservedContainers.Empty;

    public async Task PublishAsync(IDiscoveryEvent discoveryEvent, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        known = known.Apply(discoveryEvent);
        await output.WriteLineAsync(json ? DiscoveryOutput.ChangeJson(discoveryEvent, known, now) : DiscoveryOutput.ChangeLine(discoveryEvent, known, now)).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
