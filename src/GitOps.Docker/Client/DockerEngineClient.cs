using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Docker.DotNet.NativeHttp;
using Docker.DotNet.Unix;
using Docker.DotNet.X509;
using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Docker.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using EngineApiException = Docker.DotNet.DockerApiException;

namespace GitOps.Docker.Client;

/// <summary>
/// What discovery asks a Docker engine, on Docker.DotNet: version, container list and inspect reduced to
/// <see cref="ObservedContainer"/>s, and the events stream. Paths are unversioned, so the engine answers in its own
/// API version (Debian's dockerd 20.10 speaks 1.41 and refuses newer ones). Every failure is one of the
/// <see cref="DockerException"/>s, with a message naming the endpoint; every non-streaming request is bounded by
/// <see cref="DockerClientOptions.RequestTimeout"/>. Thread-safe.
/// </summary>
public sealed class DockerEngineClient : IDisposable
{
    private const string ListSource = "GET /containers/json";

    private readonly DockerClient client;
    private readonly DockerClientOptions options;
    private readonly ILogger logger;
    private readonly X509Certificate2? clientCertificate;
    private readonly X509Certificate2? authority;

    /// <exception cref="DockerTlsException">The endpoint's TLS files cannot be used.</exception>
    public DockerEngineClient(DockerEndpoint endpoint, DockerClientOptions? options = null, ILogger<DockerEngineClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        this.options = options ?? new DockerClientOptions();
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        var builder = new DockerClientBuilder()
            .WithEndpoint(endpoint.ToUri())
            .WithTimeout(this.options.RequestTimeout)
            .WithLogger(this.logger);
        if (endpoint.Kind == DockerEndpointKind.Unix)
        {
            client = builder.WithTransportOptions(new UnixSocketTransportOptions()).Build();
            return;
        }

        if (endpoint.Tls is { } tls)
        {
            (clientCertificate, authority) = tls.LoadCredentials();
            builder = builder.WithAuthProvider(new CertificateCredentials(clientCertificate) { ServerCertificateValidationCallback = TrustOnly(authority) });
        }

        client = builder.WithTransportOptions(new NativeHttpTransportOptions { ConfigureHandler = ConfigureTcp }).Build();
    }

    public DockerEndpoint Endpoint { get; }

    /// <summary><c>GET /version</c>.</summary>
    /// <exception cref="DockerProtocolException">The engine is older than <see cref="DockerVersion.MinimumApi"/>.</exception>
    public async Task<DockerVersion> GetVersionAsync(CancellationToken cancellationToken)
    {
        var version = await RequestAsync("GET /version", ct => client.System.GetVersionAsync(ct), cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(version.Version) || string.IsNullOrEmpty(version.APIVersion))
        {
            throw new DockerProtocolException($"the Docker engine's answer to GET /version at {Endpoint} has no \"Version\" or \"ApiVersion\"");
        }

        DockerVersion.RequireSupported(version.APIVersion);
        DockerClientLog.Negotiated(logger, Endpoint, version.Version, version.APIVersion, version.APIVersion);
        return new DockerVersion(version.Version, version.APIVersion, version.MinAPIVersion);
    }

    /// <summary>
    /// <c>GET /containers/json</c>: running containers, or all of them with <paramref name="all"/>. Unusable items are
    /// left out and described in the result's diagnostics.
    /// </summary>
    public async Task<ContainerListParseResult> ListContainersAsync(bool all, CancellationToken cancellationToken)
    {
        var listed = await RequestAsync(ListSource, ct => client.Containers.ListContainersAsync(new ContainersListParameters { All = all }, ct), cancellationToken).ConfigureAwait(false);
        var containers = new List<ObservedContainer>();
        var diagnostics = new List<Diagnostic>();
        for (var i = 0; i < listed.Count; i++)
        {
            if (listed[i] is { } item && DockerContainers.FromListItem(item, $"item {i}", null, diagnostics) is { } container)
            {
                containers.Add(container);
            }
        }

        return new ContainerListParseResult(
            containers.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal).ToValueList(),
            diagnostics.ToValueList());
    }

    /// <summary><c>GET /containers/{id}/json</c> reduced to what routing needs.</summary>
    /// <exception cref="DockerApiException">With <see cref="DockerApiException.IsNotFound"/> when there is no such container.</exception>
    /// <exception cref="DockerProtocolException">The document lacks a field routing needs.</exception>
    public async Task<ObservedContainer> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        (await InspectLifecycleAsync(idOrName, cancellationToken).ConfigureAwait(false)).Container;

    /// <summary><c>GET /containers/{id}/json</c> reduced to what routing needs, with the container's run and stop signal.</summary>
    /// <exception cref="DockerApiException">With <see cref="DockerApiException.IsNotFound"/> when there is no such container.</exception>
    /// <exception cref="DockerProtocolException">The document lacks a field routing needs.</exception>
    public async Task<InspectedContainer> InspectLifecycleAsync(string idOrName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrName);
        var request = $"GET /containers/{idOrName}/json";
        var inspected = await RequestAsync(request, ct => client.Containers.InspectContainerAsync(idOrName, ct), cancellationToken).ConfigureAwait(false);
        var diagnostics = new List<Diagnostic>();
        return DockerContainers.FromInspectWithLifecycle(inspected, diagnostics)
            ?? throw new DockerProtocolException($"the Docker engine at {Endpoint} answered {request} with an unusable document: {string.Join("; ", diagnostics.Select(d => d.Message))}");
    }

    /// <summary>Opens <c>GET /events</c>; the subscription is live when this returns (the engine sent its headers).</summary>
    public async Task<DockerEventSubscription> SubscribeEventsAsync(ContainerEventsParameters query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // The stream overload, not the IProgress one: it returns once the engine has registered the subscription (so
        // listing next leaves no gap), and lets a malformed line be skipped and a silent stream be noticed.
        // The headers are bounded like any request (a pooled connection may have died silently); the stream is not.
#pragma warning disable CS0618
        var body = await RequestAsync("GET /events", ct => client.System.MonitorEventsAsync(query, ct), cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0618
        return new DockerEventSubscription(body, Endpoint, logger);
    }

    /// <summary>The events matching <paramref name="query"/> until the stream ends, without an idle limit.</summary>
    public async IAsyncEnumerable<Message> GetEventsAsync(ContainerEventsParameters query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscription = await SubscribeEventsAsync(query, cancellationToken).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var message in subscription.ReadAllAsync(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
    }

    public void Dispose()
    {
        client.Dispose();
        clientCertificate?.Dispose();
        authority?.Dispose();
    }

    /// <summary>A timestamp as the <c>since</c> / <c>until</c> of an events query: seconds since the epoch with nine decimals.</summary>
    public static string EventTime(DateTimeOffset time) => EventTime((time - DateTimeOffset.UnixEpoch).Ticks * 100);

    /// <summary>A <c>timeNano</c> of an event as the <c>since</c> / <c>until</c> of an events query.</summary>
    public static string EventTime(long unixNanoseconds)
    {
        var seconds = Math.DivRem(unixNanoseconds, 1_000_000_000, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000;
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{seconds}.{nanos:D9}");
    }

    private async Task<T> RequestAsync<T>(string request, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RequestTimeout);
        try
        {
            return await ConnectAsync(request, send, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var seconds = options.RequestTimeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            throw new DockerConnectionException($"the Docker engine at {Endpoint} did not answer {request} within {seconds} s", ex, $"no answer to {request} within {seconds} s");
        }
    }

    private async Task<T> ConnectAsync<T>(string request, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await send(cancellationToken).ConfigureAwait(false);
        }
        catch (EngineApiException ex)
        {
            throw ApiError(request, ex.StatusCode, ex.ResponseBody, ex);
        }
        catch (JsonException ex)
        {
            throw new DockerProtocolException($"the Docker engine at {Endpoint} answered {request} with something unusable: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or AuthenticationException)
        {
            var reason = ConnectionProblem(ex);
            throw new DockerConnectionException($"cannot reach the Docker engine at {Endpoint}: {reason}", ex, reason);
        }
    }

    private DockerException ApiError(string request, HttpStatusCode status, string? body, Exception inner)
    {
        if (status == HttpStatusCode.BadRequest && body?.Contains("HTTP request to an HTTPS server", StringComparison.Ordinal) == true)
        {
            var reason = $"it speaks TLS; name its CA and this client's certificate and key with {DockerTls.CaOption}, {DockerTls.CertOption} and " +
                         $"{DockerTls.KeyOption}, or set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH";
            return new DockerConnectionException($"cannot reach the Docker engine at {Endpoint}: {reason}", inner, reason);
        }

        return new DockerApiException(request, status, ErrorMessage(body, status));
    }

    /// <summary>Why a connection failed, said for this endpoint: the socket's own words help nobody for a missing path.</summary>
    private string ConnectionProblem(Exception exception)
    {
        var socketError = Chain(exception).OfType<SocketException>().FirstOrDefault()?.SocketErrorCode;
        if (Endpoint.Kind == DockerEndpointKind.Unix)
        {
            if (!File.Exists(Endpoint.Address))
            {
                return $"there is no socket at {Endpoint.Address}; is dockerd running, and is this the endpoint it listens on?";
            }

            if (socketError == SocketError.AccessDenied)
            {
                return $"permission denied on {Endpoint.Address}; run as root or as a member of the group that owns the socket (usually docker)";
            }

            if (socketError == SocketError.ConnectionRefused)
            {
                return $"nothing listens on {Endpoint.Address} (a socket left behind by a dockerd that stopped?); is dockerd running?";
            }
        }

        if (Endpoint.Tls is { } tls && Chain(exception).Any(e => e is AuthenticationException))
        {
            return $"the TLS handshake failed: the engine's certificate is not signed by the CA '{tls.CertificateAuthority.Path}' ({tls.CertificateAuthority.Origin}) " +
                   $"or does not name {Endpoint.Address} ({Innermost(exception).Message.TrimEnd('.')})";
        }

        if (Endpoint.Tls is { } refused && socketError is null && Chain(exception).Any(e => e is IOException))
        {
            return $"the engine closed the TLS connection; it did not accept the client certificate '{refused.Certificate.Path}' ({refused.Certificate.Origin}): " +
                   $"is it signed by the CA the engine trusts (dockerd --tlscacert)? ({Innermost(exception).Message.TrimEnd('.')})";
        }

        return Innermost(exception).Message;
    }

    private void ConfigureTcp(SocketsHttpHandler handler)
    {
        handler.UseProxy = false;
        handler.ConnectTimeout = options.ConnectTimeout;
        handler.ConnectCallback = ConnectWithKeepAliveAsync;
    }

    private async ValueTask<Stream> ConnectWithKeepAliveAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
#pragma warning disable CA2000 // Disposed on failure; on success the returned NetworkStream owns it.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
#pragma warning restore CA2000
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)Math.Max(1, options.KeepAliveTime.TotalSeconds));
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)Math.Max(1, options.KeepAliveInterval.TotalSeconds));
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, Math.Max(1, options.KeepAliveProbes));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What <c>docker --tlsverify</c> checks: the engine's certificate chains to <paramref name="authority"/> alone (not
    /// the system's CAs) and names the host connected to. Docker.DotNet's own CA callback skips the name check.
    /// </summary>
    private static System.Net.Security.RemoteCertificateValidationCallback TrustOnly(X509Certificate2 authority) => (_, certificate, _, errors) =>
    {
        if (certificate is null || errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    };

    /// <summary>Docker's <c>{"message": "…"}</c>, or the status text when the body is something else.</summary>
    private static string ErrorMessage(string? body, HttpStatusCode statusCode)
    {
        try
        {
            using var document = JsonDocument.Parse(body ?? "");
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

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static Exception Innermost(Exception exception) => Chain(exception).Last();
}
