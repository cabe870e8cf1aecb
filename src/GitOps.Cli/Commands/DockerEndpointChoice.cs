using GitOps.Docker.Client;

namespace GitOps.Cli.Commands;

/// <summary>
/// Which Docker engine a long-running command watches: <c>--docker</c>, else <c>DOCKER_HOST</c>, else
/// <c>/var/run/docker.sock</c> when that socket exists; none otherwise (the command runs without discovery).
/// </summary>
internal sealed record DockerEndpointChoice(DockerEndpoint? Endpoint, string Source)
{
    /// <exception cref="CommandInputException">The endpoint given is not one this tool can use.</exception>
    public static DockerEndpointChoice Choose(string? option)
    {
        if (option is not null)
        {
            return DockerEndpoint.TryParse(option, out var given, out var problem)
                ? new DockerEndpointChoice(given, "--docker")
                : throw new CommandInputException($"--docker: {problem}");
        }

        var environment = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(environment))
        {
            return DockerEndpoint.TryParse(environment, out var configured, out var problem)
                ? new DockerEndpointChoice(configured, "$DOCKER_HOST")
                : throw new CommandInputException($"$DOCKER_HOST: {problem}");
        }

        return File.Exists(DockerEndpoint.DefaultSocketPath)
            ? new DockerEndpointChoice(DockerEndpoint.Unix(DockerEndpoint.DefaultSocketPath), "the default socket")
            : new DockerEndpointChoice(null, "none");
    }

    /// <summary>Asks the engine its version within <paramref name="timeout"/>: the version, or null with the reason it did not answer.</summary>
    public async Task<(DockerVersion? Version, string? Problem)> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Endpoint is null)
        {
            return (null, $"no --docker, no $DOCKER_HOST and no {DockerEndpoint.DefaultSocketPath}");
        }

        using var client = new DockerClient(Endpoint, new DockerClientOptions { ConnectTimeout = timeout, RequestTimeout = timeout });
        try
        {
            return (await client.GetVersionAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (DockerException ex)
        {
            return (null, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {DurationArgument.Show(timeout)}");
        }
    }
}
