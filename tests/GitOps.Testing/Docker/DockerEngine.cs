namespace GitOps.Testing.Docker;

/// <summary>Finds the engine the tests use, once per test process, and makes sure the test image is there.</summary>
internal static class DockerEngine
{
    private const string DefaultSocket = "/var/run/docker.sock";

    private static readonly Lazy<Task<DockerCli>> Shared = new(() => ConnectAsync(CancellationToken.None));

    /// <summary>A client for the engine of this test process, with <see cref="BusyboxImage"/> imported.</summary>
    public static Task<DockerCli> SharedAsync(CancellationToken cancellationToken) =>
        // The connection is shared, so one caller's cancellation must not abort it for the others.
        Shared.Value.WaitAsync(cancellationToken);

    private static async Task<DockerCli> ConnectAsync(CancellationToken cancellationToken)
    {
        var cli = await FindEngineAsync(cancellationToken).ConfigureAwait(false);
        await BusyboxImage.EnsureAsync(cli, cancellationToken).ConfigureAwait(false);
        return cli;
    }

    private static async Task<DockerCli> FindEngineAsync(CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var cli = new DockerCli(configured);
            // An explicit choice is honoured or fails loudly, never silently replaced by another engine.
            return await cli.AnswersAsync(cancellationToken).ConfigureAwait(false)
                ? cli
                : throw new InvalidOperationException($"DOCKER_HOST is set to '{configured}' but no Docker engine answers there.");
        }

        if (File.Exists(DefaultSocket))
        {
            var cli = new DockerCli("unix://" + DefaultSocket);
            if (await cli.AnswersAsync(cancellationToken).ConfigureAwait(false))
            {
                return cli;
            }
        }

        return await PrivateDockerDaemon.EnsureRunningAsync(cancellationToken).ConfigureAwait(false);
    }
}
