using System.Net;
using System.Text;

namespace GitOps.Testing.HAProxy;

/// <summary>Config text for tests, so they don't repeat HAProxy boilerplate.</summary>
public static class HAProxyTestConfig
{
    /// <summary>The frontend name <see cref="Minimal"/> uses.</summary>
    public const string FrontendName = "fe";

    /// <summary>The backend name <see cref="Minimal"/> uses (so its servers are <c>b/&lt;name&gt;</c>).</summary>
    public const string BackendName = "b";

    /// <summary>
    /// <c>global</c> with an admin-level stats socket at <paramref name="adminSocketPath"/> and a bounded
    /// hard stop (old workers holding keep-alive connections cannot outlive a test), then <c>defaults</c>
    /// in HTTP mode with short timeouts. Append frontends and backends to it.
    /// </summary>
    public static string Global(string adminSocketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminSocketPath);
        return $"""
            global
                stats socket {adminSocketPath} mode 600 level admin
                hard-stop-after 10s
                httpclient.ssl.verify none

            defaults
                mode http
                timeout connect 2s
                timeout client 10s
                timeout server 10s

            """;
    }

    /// <summary>
    /// <see cref="Global"/> plus frontend <see cref="FrontendName"/> on 127.0.0.1:<paramref name="frontendPort"/>
    /// and backend <see cref="BackendName"/> (roundrobin, so the runtime API may add servers) with
    /// <paramref name="servers"/>, which may be empty.
    /// </summary>
    public static string Minimal(string adminSocketPath, int frontendPort, params IEnumerable<(string Name, IPEndPoint Address)> servers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frontendPort, 1);
        ArgumentNullException.ThrowIfNull(servers);
        var text = new StringBuilder(Global(adminSocketPath));
        text.Append('\n')
            .Append("frontend ").Append(FrontendName).Append('\n')
            .Append("    bind 127.0.0.1:").Append(frontendPort).Append('\n')
            .Append("    default_backend ").Append(BackendName).Append("\n\n")
            .Append("backend ").Append(BackendName).Append('\n')
            .Append("    balance roundrobin\n");
        foreach (var (name, address) in servers)
        {
            text.Append("    server ").Append(name).Append(' ').Append(address).Append('\n');
        }

        return text.ToString();
    }
}
