using System.CommandLine;
using GitOps.Docker.Client;

namespace GitOps.Cli.Commands;

/// <summary>
/// Which Docker engine a long-running command watches: <c>--docker</c> (<c>none</c>: no discovery), else <c>DOCKER_HOST</c>,
/// else <c>/var/run/docker.sock</c> when that socket exists; none otherwise (the command runs without discovery).
/// </summary>
internal sealed record DockerEndpointChoice(DockerEndpoint? Endpoint, string Source)
{
    /// <summary>The <c>--docker</c> value that turns container discovery off.</summary>
    public const string None = "none";

    /// <summary>How long a start-up waits for the engine to answer.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The engine <c>--docker</c>, <c>$DOCKER_HOST</c> or the default socket names, with the TLS <paramref name="tls"/> asks for.</summary>
    /// <exception cref="CommandInputException">The endpoint given is not one this tool can use, or its TLS files are unusable.</exception>
    public static DockerEndpointChoice Choose(ParseResult parseResult, Option<string?> docker, DockerTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var choice = Choose(parseResult.GetValue(docker));
        return choice.Endpoint is { } endpoint ? choice with { Endpoint = tls.Apply(parseResult, endpoint) } : choice;
    }

    /// <exception cref="CommandInputException">The endpoint given is not one this tool can use.</exception>
    public static DockerEndpointChoice Choose(string? option)
    {
        if (option == None)
        {
            return new DockerEndpointChoice(null, "--docker none");
        }

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

    /// <summary>Why there is no engine to ask, when <see cref="Endpoint"/> is null.</summary>
    public string WhyNone => Source == "none" ? $"no --docker, no $DOCKER_HOST and no {DockerEndpoint.DefaultSocketPath}" : $"{Source} was given";

    /// <summary>
    /// The engine's version; null when there is no engine to ask (discovery is off). An engine that was named or whose
    /// socket exists must answer: a start-up that would silently run without discovery is refused instead.
    /// </summary>
    /// <exception cref="CommandInputException">The engine does not answer within <paramref name="timeout"/>.</exception>
    public async Task<DockerVersion?> RequireAnswerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Endpoint is null)
        {
            return null;
        }

        using var client = new DockerEngineClient(Endpoint, new DockerClientOptions { ConnectTimeout = timeout, RequestTimeout = timeout });
        string problem;
        try
        {
            return await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException ex)
        {
            // The reason alone ("there is no socket at …", "Connection refused"): the line names the endpoint itself.
            problem = ex is DockerConnectionException { Reason: { } why } ? why : ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = $"no answer within {DurationArgument.Show(timeout)}";
        }

        var fix = Source == "the default socket"
            ? $"Start dockerd (or get access to {DockerEndpoint.DefaultSocketPath})"
            : $"Start dockerd or correct {Source}";
        var reason = problem.EndsWith('?') ? problem : problem.TrimEnd('.') + ".";
        throw new CommandInputException($"no Docker engine answers at {Endpoint} ({Source}): {reason} {fix}, or pass --docker {None} to run without container discovery");
    }
}
