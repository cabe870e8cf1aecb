using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Docker.DotNet.Models;
using GitOps.Docker.Discovery;
using Microsoft.Extensions.Logging;

namespace GitOps.Docker.Client;

/// <summary>
/// An open <c>GET /events</c> stream. The engine has registered the subscription by the time this object
/// exists, so anything that happens afterwards is delivered: list first, then read, and nothing falls in between.
/// </summary>
public sealed class DockerEventSubscription : IAsyncDisposable
{
    private readonly Stream body;
    private readonly DockerEndpoint endpoint;
    private readonly ILogger logger;
    private long malformed;

    internal DockerEventSubscription(Stream body, DockerEndpoint endpoint, ILogger logger)
    {
        this.body = body;
        this.endpoint = endpoint;
        this.logger = logger;
    }

    /// <summary>How many lines were skipped because they were not a usable event.</summary>
    public long MalformedEvents => Interlocked.Read(ref malformed);

    /// <summary>
    /// The events in the engine's order until the stream ends (the <c>until</c> time passed, or the engine shut
    /// down). A malformed line is logged, counted and skipped. Waiting longer than <paramref name="idleLimit"/>
    /// (by <paramref name="timeProvider"/>) for the next line ends the stream with <see cref="DockerEventStreamIdleException"/>:
    /// the engine sends nothing on a quiet host, and nothing either on a connection that died silently.
    /// </summary>
    /// <exception cref="DockerConnectionException">The connection broke mid-stream.</exception>
    /// <exception cref="DockerEventStreamIdleException">Nothing arrived within <paramref name="idleLimit"/>.</exception>
    public async IAsyncEnumerable<Message> ReadAllAsync(TimeSpan idleLimit, TimeProvider timeProvider, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        // A transport that does not abort a pending read on cancellation is unblocked by closing the stream.
        using var abort = idle.Token.Register(static state => ((Stream)state!).Dispose(), body);
        using var reader = new StreamReader(body, leaveOpen: true);
        while (true)
        {
            idle.CancelAfter(idleLimit);
            var line = await ReadLineAsync(reader, idle, idleLimit, reading.Token, cancellationToken).ConfigureAwait(false);
            idle.CancelAfter(Timeout.InfiniteTimeSpan);
            if (line is null)
            {
                yield break;
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (TryParse(line, out var message, out var error))
            {
                yield return message;
            }
            else
            {
                Interlocked.Increment(ref malformed);
                DockerClientLog.MalformedEvent(logger, endpoint, error);
            }
        }
    }

    public ValueTask DisposeAsync() => body.DisposeAsync();

    /// <summary>One line of the stream as an event, checking every field that is used.</summary>
    internal static bool TryParse(string line, [NotNullWhen(true)] out Message? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        try
        {
            var parsed = JsonSerializer.Deserialize<Message>(line, DockerJson.Options);
            if (parsed is null)
            {
                error = "the event is not a JSON object";
            }
            else if (string.IsNullOrEmpty(parsed.Type) || string.IsNullOrEmpty(parsed.Action))
            {
                error = "the event has no \"Type\" or \"Action\" string";
            }
            else if (string.IsNullOrEmpty(parsed.Actor?.ID))
            {
                error = "the event has no \"Actor.ID\" string";
            }
            else if (parsed.TimeNano is not > 0)
            {
                error = "the event has no positive \"timeNano\" number";
            }
            else
            {
                parsed.Actor.Attributes ??= new Dictionary<string, string>();
                message = parsed;
                error = null;
                return true;
            }

            return false;
        }
        catch (JsonException ex)
        {
            error = "the event is not valid JSON of an event: " + ex.Message;
            return false;
        }
    }

    private async Task<string?> ReadLineAsync(StreamReader reader, CancellationTokenSource idle, TimeSpan idleLimit, CancellationToken reading, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(reading).ConfigureAwait(false);
        }
        catch (Exception ex) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DockerEventStreamIdleException($"the event stream from the Docker engine at {endpoint} sent nothing for {idleLimit.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            throw new DockerConnectionException($"the event stream from the Docker engine at {endpoint} broke: {ex.Message}", ex);
        }
    }
}
