using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.Docker.Client;

/// <summary>
/// A Docker Engine API client over a unix socket or plain TCP: version negotiation, container list and
/// inspect, and the events stream. Every request is made under the negotiated <c>/v1.xx/</c> prefix; every
/// non-streaming request is bounded by <see cref="DockerClientOptions.RequestTimeout"/>. Thread-safe.
/// </summary>
public sealed class DockerClient : IDisposable
{
    private const string ListSource = "GET /containers/json";

    private readonly HttpClient http;
    private readonly DockerClientOptions options;
    private readonly ILogger logger;
    private readonly SemaphoreSlim negotiation = new(1, 1);
    private string? apiVersion;

    public DockerClient(DockerEndpoint endpoint, DockerClientOptions? options = null, ILogger<DockerClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        this.options = options ?? new DockerClientOptions();
        this.logger = logger ?? (ILogger)NullLogger.Instance;
#pragma warning disable CA2000 // The HttpClient below owns the handler and disposes it.
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = this.options.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
#pragma warning restore CA2000
        if (endpoint.Kind == DockerEndpointKind.Unix)
        {
            handler.ConnectCallback = ConnectUnixAsync;
        }

        // Streams run for hours; non-streaming calls get their own deadline in SendAsync.
        http = new HttpClient(handler)
        {
            BaseAddress = endpoint.Kind == DockerEndpointKind.Unix ? new Uri("http://docker") : new Uri($"http://{(endpoint.Address.Contains(':', StringComparison.Ordinal) ? $"[{endpoint.Address}]" : endpoint.Address)}:{endpoint.Port}"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public DockerEndpoint Endpoint { get; }

    /// <summary>The API version in use once a request was made (see <see cref="NegotiateApiVersionAsync"/>), else null.</summary>
    public string? ApiVersion => Volatile.Read(ref apiVersion);

    /// <summary><c>GET /version</c>, without a version prefix.</summary>
    public async Task<DockerVersion> GetVersionAsync(CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync("/version", versioned: false, cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        var version = RequiredString(root, "Version", "GET /version");
        var api = RequiredString(root, "ApiVersion", "GET /version");
        var minimum = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("MinAPIVersion", out var min) && min.ValueKind == JsonValueKind.String ? min.GetString() : null;
        return new DockerVersion(version, api, minimum);
    }

    /// <summary>
    /// Asks the engine its API version once and picks <c>min(engine, <see cref="DockerApiVersions.Maximum"/>)</c>;
    /// later calls return the cached choice.
    /// </summary>
    /// <exception cref="DockerProtocolException">The engine is older than <see cref="DockerApiVersions.Minimum"/>.</exception>
    public async Task<string> NegotiateApiVersionAsync(CancellationToken cancellationToken)
    {
        if (ApiVersion is { } known)
        {
            return known;
        }

        await negotiation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ApiVersion is { } raced)
            {
                return raced;
            }

            var version = await GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var chosen = DockerApiVersions.Negotiate(version.ApiVersion);
            DockerClientLog.Negotiated(logger, Endpoint, version.Version, version.ApiVersion, chosen);
            Volatile.Write(ref apiVersion, chosen);
            return chosen;
        }
        finally
        {
            negotiation.Release();
        }
    }

    /// <summary>
    /// <c>GET /containers/json</c>: running containers, or all of them with <paramref name="all"/>. Malformed items are
    /// left out and described in the result's diagnostics.
    /// </summary>
    /// <exception cref="DockerProtocolException">The answer is not a JSON array.</exception>
    public async Task<ContainerListParseResult> ListContainersAsync(bool all, CancellationToken cancellationToken)
    {
        var json = await GetStringAsync(all ? "/containers/json?all=1" : "/containers/json", cancellationToken).ConfigureAwait(false);
        var result = ContainerListParser.Parse(json, ListSource);
        if (result.Diagnostics.FirstOrDefault(d => d.Code == DiscoveryDiagnostics.InvalidJson) is { } invalid)
        {
            throw new DockerProtocolException($"the Docker engine at {Endpoint} answered {ListSource} with something unusable: {invalid.Message}");
        }

        return result;
    }

    /// <summary><c>GET /containers/{id}/json</c> reduced to what routing needs.</summary>
    /// <exception cref="DockerApiException">With <see cref="DockerApiException.IsNotFound"/> when there is no such container.</exception>
    /// <exception cref="DockerProtocolException">The document lacks a field routing needs.</exception>
    public async Task<ObservedContainer> InspectContainerAsync(string idOrName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrName);
        var path = $"/containers/{Uri.EscapeDataString(idOrName)}/json";
        using var document = await GetJsonAsync(path, versioned: true, cancellationToken).ConfigureAwait(false);
        var diagnostics = new List<Diagnostic>();
        return ContainerInspectParser.Parse(document.RootElement, diagnostics)
            ?? throw new DockerProtocolException($"the Docker engine at {Endpoint} answered GET {path} with an unusable document: {string.Join("; ", diagnostics.Select(d => d.Message))}");
    }

    /// <summary>Opens <c>GET /events</c>; the subscription is live when this returns (the engine sent its headers).</summary>
    public async Task<DockerEventSubscription> SubscribeEventsAsync(DockerEventsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = "/events" + query.ToQueryString();
        var response = await SendAsync(path, versioned: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new DockerEventSubscription(response, body, Endpoint, logger);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The events matching <paramref name="query"/>, as <see cref="DockerEventSubscription.ReadAllAsync"/> yields them.</summary>
    public async IAsyncEnumerable<DockerEvent> GetEventsAsync(DockerEventsQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscription = await SubscribeEventsAsync(query, cancellationToken).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var dockerEvent in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return dockerEvent;
            }
        }
    }

    public void Dispose()
    {
        http.Dispose();
        negotiation.Dispose();
    }

    private async Task<JsonDocument> GetJsonAsync(string path, bool versioned, CancellationToken cancellationToken)
    {
        var json = versioned
            ? await GetStringAsync(path, cancellationToken).ConfigureAwait(false)
            : await ReadStringAsync(path, versioned: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new DockerProtocolException($"the Docker engine at {Endpoint} answered GET {path} with invalid JSON: {ex.Message}", ex);
        }
    }

    private Task<string> GetStringAsync(string path, CancellationToken cancellationToken) => ReadStringAsync(path, versioned: true, cancellationToken);

    /// <summary>A non-streaming GET, headers and body within <see cref="DockerClientOptions.RequestTimeout"/>.</summary>
    private async Task<string> ReadStringAsync(string path, bool versioned, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RequestTimeout);
        try
        {
            using var response = await SendAsync(path, versioned, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DockerConnectionException($"the Docker engine at {Endpoint} did not answer GET {path} within {options.RequestTimeout.TotalSeconds:0.#} s", ex);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, bool versioned, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var prefix = versioned ? "/v" + await NegotiateApiVersionAsync(cancellationToken).ConfigureAwait(false) : "";
        using var request = new HttpRequestMessage(HttpMethod.Get, prefix + path);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new DockerConnectionException($"cannot reach the Docker engine at {Endpoint}: {Innermost(ex).Message}", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new DockerApiException("GET " + path, response.StatusCode, ErrorMessage(body, response.StatusCode));
        }
    }

    /// <summary>Docker's <c>{"message": "…"}</c>, or the status text when the body is something else.</summary>
    private static string ErrorMessage(string body, HttpStatusCode statusCode)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(message.GetString()))
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not Docker's error document (a proxy in between, a truncated body): fall back to the status.
        }

        return statusCode.ToString();
    }

    private static string RequiredString(JsonElement element, string property, string source) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString())
            ? value.GetString()!
            : throw new DockerProtocolException($"the Docker engine's answer to {source} has no \"{property}\" string");

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    private async ValueTask<Stream> ConnectUnixAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(Endpoint.Address))
        {
            // The socket error for a missing path reads "Cannot assign requested address", which helps nobody.
            throw new IOException($"there is no socket at {Endpoint.Address}; is dockerd running, and is this the endpoint it listens on?");
        }

#pragma warning disable CA2000 // Disposed on failure; on success the returned NetworkStream owns it.
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
#pragma warning restore CA2000
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Endpoint.Address), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
