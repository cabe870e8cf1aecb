using System.Net;
using System.Net.Sockets;

namespace GitOps.Testing.Network;

/// <summary>Free TCP ports on 127.0.0.1 for components a test starts (HAProxy frontends, backends, databases).</summary>
public static class LoopbackPorts
{
    /// <summary>A port nobody listens on right now; the caller should bind it soon (another process could take it).</summary>
    public static int GetFree() => GetFree(1)[0];

    /// <summary><paramref name="count"/> distinct free ports: all are held at once while choosing, so none repeats.</summary>
    public static IReadOnlyList<int> GetFree(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
