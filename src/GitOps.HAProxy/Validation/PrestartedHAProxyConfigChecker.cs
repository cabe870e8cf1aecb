using GitOps.Processes;

namespace GitOps.HAProxy.Validation;

/// <summary>
/// Checks texts exactly as <see cref="HAProxyConfigChecker.CheckAsync"/> does, each with a fresh
/// <c>haproxy -c</c> of its own, but keeps the next one already started and waiting for its input:
/// haproxy's start-up (linking, OpenSSL initialisation) then happens between checks, not on the
/// path from an event to its rendered configuration. Disposing ends the waiting process.
/// </summary>
public sealed class PrestartedHAProxyConfigChecker(string program = "haproxy", bool placeholderForMissingCertificates = false) : IAsyncDisposable
{
    private readonly HAProxyConfigChecker checker = new(program, placeholderForMissingCertificates);
    private StartedProcess? next;
    private volatile bool disposed;

    /// <exception cref="HAProxyNotFoundException">haproxy is not installed.</exception>
    public async Task<HAProxyCheckResult> CheckAsync(string configText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configText);
        ObjectDisposedException.ThrowIf(disposed, this);
        await using var started = await TakeWaitingAsync().ConfigureAwait(false) ?? checker.StartCheck();
        try
        {
            return await checker.CheckStartedAsync(started, configText, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // In the background: the caller goes on (publishing) while the next haproxy starts.
            _ = Task.Run(PrestartAsync, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        if (Interlocked.Exchange(ref next, null) is { } waiting)
        {
            await waiting.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The waiting process, unless there is none or it has ended (then it could not read the text).</summary>
    private async Task<StartedProcess?> TakeWaitingAsync()
    {
        var waiting = Interlocked.Exchange(ref next, null);
        if (waiting is { HasExited: true })
        {
            await waiting.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        return waiting;
    }

    private async Task PrestartAsync()
    {
        if (disposed || Volatile.Read(ref next) is not null)
        {
            return;
        }

        StartedProcess started;
        try
        {
            started = checker.StartCheck();
        }
#pragma warning disable CA1031 // Only an optimisation: the next check starts its own haproxy and reports the failure.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        // Another check may have left one meanwhile, or the checker may have been disposed: keep one at most.
        if (Interlocked.CompareExchange(ref next, started, null) is not null)
        {
            await started.DisposeAsync().ConfigureAwait(false);
        }
        else if (disposed && Interlocked.Exchange(ref next, null) is { } orphan)
        {
            await orphan.DisposeAsync().ConfigureAwait(false);
        }
    }
}
