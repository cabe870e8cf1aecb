using System.Net;
using System.Net.Sockets;

namespace GitOps.Testing.Network;

/// <summary>
/// A TCP listener on 127.0.0.1 that forwards each connection to <c>target</c> (a unix socket or a TCP endpoint), byte
/// for byte in both directions. <see cref="StallExisting()"/> makes every connection open at that moment go silent: it
/// stays open but nothing more crosses it, either way (a stuck proxy, a dropped NAT entry). Connections made later
/// forward normally. Disposing closes everything.
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint target;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly List<Connection> connections = [];
    private readonly Task accepting;

    private LoopbackTcpProxy(EndPoint target)
    {
        this.target = target;
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The port on 127.0.0.1 to connect to.</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted
    {
        get
        {
            lock (gate)
            {
                return connections.Count;
            }
        }
    }

    public static LoopbackTcpProxy Start(EndPoint target) => new(target);

    /// <summary>Every connection open now stops forwarding without closing.</summary>
    public void StallExisting() => StallExisting(_ => true);

    /// <summary>
    /// The connections open now whose latest client bytes contain <paramref name="requestText"/> (e.g. <c>GET /events</c>: an
    /// HTTP/1.1 connection carrying a stream does nothing else) stop forwarding without closing.
    /// </summary>
    public void StallExisting(string requestText) => StallExisting(c => c.LastFromClient.Contains(requestText, StringComparison.Ordinal));

    private void StallExisting(Func<Connection, bool> which)
    {
        lock (gate)
        {
            foreach (var connection in connections.Where(which))
            {
                connection.Stalled = true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        try
        {
            await accepting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop this way.
        }

        lock (gate)
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptSocketAsync(stop.Token).ConfigureAwait(false);
            var upstream = new Socket(target.AddressFamily, SocketType.Stream, target is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
            try
            {
                await upstream.ConnectAsync(target, stop.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            var connection = new Connection(client, upstream);
            lock (gate)
            {
                connections.Add(connection);
            }

            _ = Task.Run(() => PumpAsync(connection, client, upstream, fromClient: true));
            _ = Task.Run(() => PumpAsync(connection, upstream, client, fromClient: false));
        }
    }

    private async Task PumpAsync(Connection connection, Socket from, Socket to, bool fromClient)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, stop.Token).ConfigureAwait(false);
                if (fromClient && read > 0)
                {
                    connection.LastFromClient = System.Text.Encoding.Latin1.GetString(buffer, 0, Math.Min(read, 512));
                }

                while (connection.Stalled)
                {
                    // Silent, not closed: hold what was read and never send it.
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }

                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            connection.Dispose();
        }
    }

    private sealed class Connection(Socket client, Socket upstream) : IDisposable
    {
        public volatile bool Stalled;

        public volatile string LastFromClient = "";

        public void Dispose()
        {
            client.Dispose();
            upstream.Dispose();
        }
    }
}
