using System.Globalization;
using GitOps.HAProxy.Runtime;

namespace GitOps.HAProxy.Apply;

/// <summary>The runtime API commands the applier uses, on the admin-level stats socket, each checked against its success answer.</summary>
internal sealed class HAProxyRuntimeApi(string adminSocketPath, HAProxySocketClient client)
{
    public string SocketPath => adminSocketPath;

    public Task<string> SendAsync(string command, CancellationToken cancellationToken) =>
        client.SendAsync(adminSocketPath, command, cancellationToken);

    /// <summary>Sends a command whose success answer is empty (<c>enable server</c>, <c>set weight</c>, <c>set server … state</c>).</summary>
    public Task ExecuteSilentAsync(string command, CancellationToken cancellationToken) =>
        ExecuteAsync(command, answer => answer.Length == 0, cancellationToken);

    /// <exception cref="RuntimeCommandException">The answer is not a success.</exception>
    public async Task ExecuteAsync(string command, Func<string, bool> succeeded, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(command, cancellationToken).ConfigureAwait(false);
        if (!succeeded(answer.Trim()))
        {
            throw new RuntimeCommandException(command, answer);
        }
    }

    public async Task<IReadOnlyList<ServerRuntimeState>> ShowServersStateAsync(CancellationToken cancellationToken) =>
        ServersStateParser.Parse(await SendAsync("show servers state", cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Sessions using the server plus requests queued for it (<c>show stat</c>'s scur + qcur), or null
    /// when the server does not exist.
    /// </summary>
    public async Task<int?> ActiveSessionsAsync(string backend, string server, CancellationToken cancellationToken)
    {
        var answer = await SendAsync("show stat -1 4 -1", cancellationToken).ConfigureAwait(false);
        var lines = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("# ", StringComparison.Ordinal))
        {
            throw new RuntimeCommandException("show stat -1 4 -1", answer);
        }

        var header = lines[0][2..].Split(',').ToList();
        var current = header.IndexOf("scur");
        var queued = header.IndexOf("qcur");
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            if (fields.Length > Math.Max(current, queued) && fields[0] == backend && fields[1] == server)
            {
                return Count(fields[current]) + Count(fields[queued]);
            }
        }

        return null;
    }

    private static int Count(string field) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
