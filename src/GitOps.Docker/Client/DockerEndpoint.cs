using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GitOps.Docker.Client;

/// <summary>
/// Where a Docker engine listens, written the way <c>DOCKER_HOST</c> is: <c>unix:///path</c> (or a bare
/// absolute path) or <c>tcp://host:port</c>. TLS (<c>DOCKER_TLS_VERIFY</c>) is not supported.
/// </summary>
public sealed record DockerEndpoint
{
    /// <summary>The socket Docker listens on by default.</summary>
    public const string DefaultSocketPath = "/var/run/docker.sock";

    private const int DefaultTcpPort = 2375;

    private DockerEndpoint(DockerEndpointKind kind, string address, int port)
    {
        Kind = kind;
        Address = address;
        Port = port;
    }

    public DockerEndpointKind Kind { get; }

    /// <summary>The socket path (<see cref="DockerEndpointKind.Unix"/>) or host name or IP (<see cref="DockerEndpointKind.Tcp"/>).</summary>
    public string Address { get; }

    /// <summary>The TCP port; 0 for a unix socket.</summary>
    public int Port { get; }

    /// <summary>The default: <c>DOCKER_HOST</c> when set, else <c>unix:///var/run/docker.sock</c>.</summary>
    public static DockerEndpoint FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable("DOCKER_HOST");
        return string.IsNullOrWhiteSpace(configured) ? Unix(DefaultSocketPath) : Parse(configured);
    }

    public static DockerEndpoint Unix(string path) => new(DockerEndpointKind.Unix, path, 0);

    /// <summary>Parses an endpoint; throws <see cref="FormatException"/> saying which forms are accepted.</summary>
    public static DockerEndpoint Parse(string value) =>
        TryParse(value, out var endpoint, out var error) ? endpoint : throw new FormatException(error);

    /// <summary>Parses an endpoint; on failure <paramref name="error"/> says what is wrong and which forms are accepted.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out DockerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        error = null;
        const string Forms = "use unix:///path/to/docker.sock, /path/to/docker.sock or tcp://host:port";
        if (string.IsNullOrWhiteSpace(value))
        {
            error = $"the Docker endpoint is empty; {Forms}";
            return false;
        }

        if (value.StartsWith('/'))
        {
            endpoint = Unix(value);
            return true;
        }

        if (value.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = value["unix://".Length..];
            if (!path.StartsWith('/'))
            {
                error = $"'{value}' has no absolute socket path after unix://; {Forms}";
                return false;
            }

            endpoint = Unix(path);
            return true;
        }

        if (value.StartsWith("tcp://", StringComparison.Ordinal)
            && Uri.TryCreate("http://" + value["tcp://".Length..], UriKind.Absolute, out var uri)
            && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && !string.IsNullOrEmpty(uri.Host))
        {
            endpoint = new DockerEndpoint(DockerEndpointKind.Tcp, uri.IdnHost, uri.IsDefaultPort && !value.EndsWith(":80", StringComparison.Ordinal) ? DefaultTcpPort : uri.Port);
            return true;
        }

        error = $"'{value}' is not a Docker endpoint this tool can use; {Forms}";
        return false;
    }

    /// <summary>The <c>DOCKER_HOST</c> form.</summary>
    public override string ToString() => Kind == DockerEndpointKind.Unix
        ? "unix://" + Address
        : string.Create(CultureInfo.InvariantCulture, $"tcp://{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{Port}");
}
