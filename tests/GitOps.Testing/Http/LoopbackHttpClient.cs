namespace GitOps.Testing.Http;

/// <summary>
/// GET requests to 127.0.0.1 only (the tests' network rule), each on a fresh connection so a
/// reload never leaves a test holding a pooled connection to a stopping HAProxy worker.
/// </summary>
public static class LoopbackHttpClient
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static readonly HttpClient TlsClient = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,
#pragma warning disable CA5359 // Loopback only, to HAProxies presenting the self-signed certificates the tests made themselves.
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
#pragma warning restore CA5359
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>GETs http://127.0.0.1:<paramref name="port"/><paramref name="path"/>, and returns the body of a 2xx answer.</summary>
    /// <exception cref="HttpRequestException">The connection failed or the status was not 2xx.</exception>
    public static Task<string> GetStringAsync(int port, string path = "/", CancellationToken cancellationToken = default) =>
        GetAsync(Client, "http", port, path, cancellationToken);

    /// <summary>GETs https://127.0.0.1:<paramref name="port"/><paramref name="path"/> whatever certificate is presented, and returns the body of a 2xx answer.</summary>
    /// <exception cref="HttpRequestException">The connection or the TLS handshake failed, or the status was not 2xx.</exception>
    public static Task<string> GetStringOverTlsAsync(int port, string path = "/", CancellationToken cancellationToken = default) =>
        GetAsync(TlsClient, "https", port, path, cancellationToken);

    private static async Task<string> GetAsync(HttpClient client, string scheme, int port, string path, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException("The path must start with '/'.", nameof(path));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{scheme}://127.0.0.1:{port}{path}"));
        request.Headers.ConnectionClose = true;
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
