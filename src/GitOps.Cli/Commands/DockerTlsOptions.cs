using System.CommandLine;
using GitOps.Docker.Client;

namespace GitOps.Cli.Commands;

/// <summary>
/// <c>--docker-tls-ca</c>, <c>--docker-tls-cert</c> and <c>--docker-tls-key</c>, next to <c>--docker</c> on every command
/// that takes it: TLS to a <c>tcp://</c> engine as <c>docker --tlsverify</c> does it, with the same environment
/// (<c>DOCKER_TLS_VERIFY</c>, <c>DOCKER_CERT_PATH</c>) when the options are not given.
/// </summary>
internal sealed class DockerTlsOptions
{
    private const string Defaults = "Default, when DOCKER_TLS_VERIFY is set: {0} in $DOCKER_CERT_PATH (unset: ~/.docker).";

    public Option<string?> Ca { get; } = new(DockerTls.CaOption)
    {
        Description = "For a tcp:// Docker engine with TLS (dockerd --tlsverify): the CA certificate (PEM) that signed the engine's certificate. " +
                      "The engine must present a certificate from this CA naming the host in --docker. Any --docker-tls-* option turns TLS on " +
                      "and needs all three files. " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Defaults, "ca.pem"),
        HelpName = "file",
    };

    public Option<string?> Cert { get; } = new(DockerTls.CertOption)
    {
        Description = "This client's certificate (PEM) for a Docker engine with TLS, signed by a CA the engine trusts (an engine started with --tlsverify " +
                      "refuses clients without one). " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Defaults, "cert.pem"),
        HelpName = "file",
    };

    public Option<string?> Key { get; } = new(DockerTls.KeyOption)
    {
        Description = $"The private key (PEM) of {DockerTls.CertOption}. " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Defaults, "key.pem"),
        HelpName = "file",
    };

    /// <summary>Whether any of the three options was given (TLS asked for explicitly, not through the environment).</summary>
    public bool Given(ParseResult parseResult) => parseResult.GetValue(Ca) is not null || parseResult.GetValue(Cert) is not null || parseResult.GetValue(Key) is not null;

    /// <summary>The TLS settings the options and environment ask for; null for none.</summary>
    public DockerTls? Resolve(ParseResult parseResult) => DockerTls.Resolve(parseResult.GetValue(Ca), parseResult.GetValue(Cert), parseResult.GetValue(Key));

    /// <summary>
    /// <paramref name="endpoint"/> with the TLS the options or environment ask for, its files checked. As with the docker CLI,
    /// <c>DOCKER_TLS_VERIFY</c> does not apply to a unix socket; an option does, and is refused there.
    /// </summary>
    /// <exception cref="CommandInputException">A file is missing or unusable, or TLS was asked for a unix socket.</exception>
    public DockerEndpoint Apply(ParseResult parseResult, DockerEndpoint endpoint) => Apply(endpoint, Resolve(parseResult), Given(parseResult));

    /// <inheritdoc cref="Apply(ParseResult, DockerEndpoint)"/>
    public static DockerEndpoint Apply(DockerEndpoint endpoint, DockerTls? tls, bool given)
    {
        if (tls is null || (endpoint.Kind == DockerEndpointKind.Unix && !given))
        {
            return endpoint;
        }

        try
        {
            var secured = endpoint.WithTls(tls);
            tls.Validate();
            return secured;
        }
        catch (FormatException ex)
        {
            throw new CommandInputException(ex.Message);
        }
        catch (DockerTlsException ex)
        {
            throw new CommandInputException(ex.Message);
        }
    }
}
