using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace GitOps.Docker.Client;

/// <summary>
/// An open <c>GET /events</c> stream. The engine has registered the subscription by the time this object
/// exists, so anything that happens afterwards is delivered: list first, then read, and nothing falls in between.
/// </summary>
public sealed class DockerEventSubscription : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly Stream body;
    private readonly DockerEndpoint endpoint;
    private readonly ILogger logger;
    private long malformed;

    internal DockerEventSubscription(HttpResponseMessage response, Stream body, DockerEndpoint endpoint, ILogger logger)
    {
        this.response = response;
        this.body = body;
        this.endpoint = endpoint;
        this.logger = logger;
    }

    /// <summary>How many lines were skipped because they were not a usable event.</summary>
    public long MalformedEvents => Interlocked.Read(ref malformed);

    /// <summary>
    /// The events in the engine's order until the stream ends (the <c>until</c> time passed, or the engine shut
    /// down). A malformed line is logged, counted and skipped.
    /// </summary>
    /// <exception cref="DockerConnectionException">The connection broke mid-stream.</exception>
    public async IAsyncEnumerable<DockerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, leaveOpen: true);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DockerConnectionException($"the event stream from the Docker engine at {endpoint} broke: {ex.Message}", ex);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DockerConnectionException($"the event stream from the Docker engine at {endpoint} broke: {ex.Message}", ex);
            }

            if (line is null)
            {
                yield break;
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (DockerEventParser.TryParse(line, out var dockerEvent, out var error))
            {
                yield return dockerEvent;
            }
            else
            {
                Interlocked.Increment(ref malformed);
                DockerClientLog.MalformedEvent(logger, endpoint, error);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await body.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
    }
}
