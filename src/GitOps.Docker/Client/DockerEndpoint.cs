using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GitOps.Docker.Client;

/// <summary>
/// Where a Docker engine listens, written the way <c>DOCKER_HOST</c> is: <c>unix:///path</c> (or a bare
/// absolute path) or <c>tcp://host:port</c>, the latter optionally with <see cref="Tls"/> (see <see cref="WithTls"/>).
/// </summary>
public sealed record DockerEndpoint
{
    /// <summary>The socket Docker listens on by default.</summary>
    public const string DefaultSocketPath = "/var/run/docker.sock";

    private const int DefaultTcpPort = 2375;

    /// <summary>Docker's port for TLS, used when a <c>tcp://</c> endpoint names none and TLS is on.</summary>
    private const int DefaultTlsPort = 2376;

    private DockerEndpoint(DockerEndpointKind kind, string address, int port, bool portGiven = true)
    {
        Kind = kind;
        Address = address;
        Port = port;
        PortGiven = portGiven;
    }

    public DockerEndpointKind Kind { get; }

    /// <summary>The socket path (<see cref="DockerEndpointKind.Unix"/>) or host name or IP (<see cref="DockerEndpointKind.Tcp"/>).</summary>
    public string Address { get; }

    /// <summary>The TCP port; 0 for a unix socket.</summary>
    public int Port { get; private init; }

    /// <summary>TLS to a <c>tcp://</c> engine; null for plain HTTP or a unix socket.</summary>
    public DockerTls? Tls { get; private init; }

    private bool PortGiven { get; }

    /// <summary>
    /// This endpoint with TLS (<paramref name="tls"/> null: unchanged). Like the docker CLI, a <c>tcp://</c> endpoint
    /// that names no port then uses 2376.
    /// </summary>
    /// <exception cref="FormatException">The endpoint is a unix socket, which takes no TLS.</exception>
    public DockerEndpoint WithTls(DockerTls? tls)
    {
        if (tls is null)
        {
            return this;
        }

        return Kind == DockerEndpointKind.Tcp
            ? this with { Tls = tls, Port = PortGiven ? Port : DefaultTlsPort }
            : throw new FormatException($"TLS needs a tcp:// endpoint, but {this} is a unix socket; drop {DockerTls.CaOption}, {DockerTls.CertOption} and {DockerTls.KeyOption} (and DOCKER_TLS_VERIFY) or name the engine as tcp://host:port");
    }

    /// <summary>The URI Docker.DotNet connects to: <c>unix:///path</c> or <c>tcp://host:port</c>.</summary>
    public Uri ToUri() => new(ToString());

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
            var noPort = uri.IsDefaultPort && !value.EndsWith(":80", StringComparison.Ordinal);
            endpoint = new DockerEndpoint(DockerEndpointKind.Tcp, uri.IdnHost, noPort ? DefaultTcpPort : uri.Port, portGiven: !noPort);
            return true;
        }

        error = $"'{value}' is not a Docker endpoint this tool can use; {Forms}";
        return false;
    }

    /// <summary>The <c>DOCKER_HOST</c> form (TLS or not).</summary>
    public override string ToString() => Kind == DockerEndpointKind.Unix
        ? "unix://" + Address
        : string.Create(CultureInfo.InvariantCulture, $"tcp://{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{Port}");
}
