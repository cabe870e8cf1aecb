using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GitOps.Testing.Http;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 and a free port, for use as an HAProxy backend: it answers
/// every request <c>200 OK</c> with <see cref="Body"/> and counts requests. Connections are kept
/// alive as HTTP/1.1 (or a 1.0 <c>Connection: keep-alive</c>) asks. Request heads are capped at
/// 16 KiB, idle connections are closed after <see cref="IdleTimeout"/>; dispose it to stop.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    /// <summary>How long a connection may stay silent before the server closes it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private const int MaxHeadBytes = 16 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TcpClient, Task> _connections = new();
    private readonly Task _acceptLoop;
    private volatile string _body;
    private long _requestCount;
    private long _connectionCount;

    /// <summary>Starts listening at once on 127.0.0.1 and a port the system picks.</summary>
    /// <param name="body">What every response carries, typically the server's name so a test can tell backends apart.</param>
    public LoopbackHttpServer(string body)
    {
        _body = body ?? throw new ArgumentNullException(nameof(body));
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    /// <summary>127.0.0.1 and the port it listens on.</summary>
    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>The response body (UTF-8 text/plain); may be changed while running.</summary>
    public string Body
    {
        get => _body;
        set => _body = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Requests answered so far, health checks included.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>TCP connections accepted so far (fewer than requests when connections are reused).</summary>
    public long ConnectionCount => Interlocked.Read(ref _connectionCount);

    /// <summary>Stops accepting, closes every connection and waits for their handlers to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        foreach (var client in _connections.Keys)
        {
            client.Dispose();
        }

        await Task.WhenAll(_connections.Values);
        _listener.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connectionCount);
            _connections[client] = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        // Hand the accept loop back its thread at once. A connection that ends before the loop records
        // it leaves a finished entry behind, which DisposeAsync handles like any other.
        await Task.Yield();
        try
        {
            await ServeRequestsAsync(client.GetStream(), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away, idled too long, or the server is stopping: the connection just ends.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private async Task ServeRequestsAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        while (true)
        {
            int headEnd;
            while ((headEnd = buffer.AsSpan(0, filled).IndexOf(HeadEnd)) < 0)
            {
                if (filled == buffer.Length)
                {
                    return;
                }

                var read = await ReadAsync(stream, buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return;
                }

                filled += read;
            }

            var headLength = headEnd + HeadEnd.Length;
            var request = HttpRequestHead.Parse(Encoding.ASCII.GetString(buffer, 0, headLength));
            if (request is null || request.Chunked)
            {
                await stream.WriteAsync(Response("501 Not Implemented", "not supported by this test server"u8, request?.Method, keepAlive: false, version10: false), cancellationToken);
                return;
            }

            // Discard the head and any body: the answer is the same whatever was sent.
            var toDiscard = headLength + request.ContentLength;
            while (toDiscard > filled)
            {
                toDiscard -= filled;
                filled = await ReadAsync(stream, buffer, cancellationToken);
                if (filled == 0)
                {
                    return;
                }
            }

            Buffer.BlockCopy(buffer, (int)toDiscard, buffer, 0, filled - (int)toDiscard);
            filled -= (int)toDiscard;

            Interlocked.Increment(ref _requestCount);
            var response = Response("200 OK", Encoding.UTF8.GetBytes(_body), request.Method, request.KeepAlive, request.Version10);
            await stream.WriteAsync(response, cancellationToken);
            if (!request.KeepAlive)
            {
                return;
            }
        }
    }

    private static async Task<int> ReadAsync(NetworkStream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(IdleTimeout);
        return await stream.ReadAsync(buffer, idle.Token);
    }

    private static byte[] Response(string status, ReadOnlySpan<byte> content, string? method, bool keepAlive, bool version10)
    {
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status).Append("\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("Content-Length: ").Append(content.Length).Append("\r\n")
            .Append(keepAlive ? (version10 ? "Connection: keep-alive\r\n" : "") : "Connection: close\r\n")
            .Append("\r\n");
        byte[] headBytes = Encoding.ASCII.GetBytes(head.ToString());
        return method == "HEAD" ? headBytes : [.. headBytes, .. content];
    }
}
