using System.Net;
using System.Net.Sockets;

namespace GitOps.Testing;

/// <summary>Picks loopback TCP ports that are free right now, for test servers that need a fixed port.</summary>
public static class FreeTcpPort
{
    /// <summary>
    /// Returns a port the kernel just handed out for 127.0.0.1. Another process may take it before the
    /// caller binds it, so callers retry with a new port when their server reports a collision.
    /// </summary>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
