namespace GitOps.Docker.Client;

/// <summary>What <c>GET /version</c> says about the engine.</summary>
/// <param name="Version">The engine release, e.g. <c>20.10.24</c>.</param>
/// <param name="ApiVersion">The newest API version the engine speaks, e.g. <c>1.41</c>.</param>
/// <param name="MinApiVersion">The oldest API version the engine accepts, when it says.</param>
public sealed record DockerVersion(string Version, string ApiVersion, string? MinApiVersion)
{
    /// <summary>Docker 20.10 (Debian 12's docker.io): the oldest engine whose list, inspect and events this tool was checked against.</summary>
    public static readonly Version MinimumApi = new(1, 41);

    /// <summary>Throws unless the engine speaks at least <see cref="MinimumApi"/>.</summary>
    /// <exception cref="DockerProtocolException">The engine's version is unreadable or too old.</exception>
    public static void RequireSupported(string serverApiVersion)
    {
        if (!System.Version.TryParse(serverApiVersion, out var server) || serverApiVersion.Count(c => c == '.') != 1)
        {
            throw new DockerProtocolException($"the engine reports API version '{serverApiVersion}', which is not of the form 1.41");
        }

        if (server < MinimumApi)
        {
            throw new DockerProtocolException($"the engine speaks Docker API {server.Major}.{server.Minor}, but this tool needs at least {MinimumApi.Major}.{MinimumApi.Minor} (Docker 20.10); upgrade the engine");
        }
    }
}
