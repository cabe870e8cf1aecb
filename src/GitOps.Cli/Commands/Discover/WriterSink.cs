using GitOps.Core.Discovery;

namespace GitOps.Cli.Commands.Discover;

/// <summary>Prints each change as one line (text or JSON) as soon as the watcher publishes it.</summary>
internal sealed class WriterSink(TextWriter output, bool json, TimeProvider timeProvider) : IDiscoverySink
{
    public async Task PublishAsync(DiscoveryChange change, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await output.WriteLineAsync(json ? DiscoveryOutput.ChangeJson(change, now) : DiscoveryOutput.ChangeLine(change, now)).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
