using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace GitOps.Reconciler.Tests.Support;

/// <summary>HAProxy's master CLI, spoken to directly so tests check the product's claims against HAProxy itself.</summary>
internal static class MasterCli
{
    public static async Task<string> SendAsync(string socketPath, string command, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), cancellationToken);
        // Without the end of input the master keeps the session open for more commands.
        socket.Shutdown(SocketShutdown.Send);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, cancellationToken)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    /// <summary>The master's reload count, from <c>show proc</c>.</summary>
    public static async Task<int> ReloadsAsync(string socketPath, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(socketPath, "show proc", cancellationToken);
        var master = answer.Split('\n').Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).First(f => f.Length > 2 && f[1] == "master");
        return int.Parse(master[2], CultureInfo.InvariantCulture);
    }
}
