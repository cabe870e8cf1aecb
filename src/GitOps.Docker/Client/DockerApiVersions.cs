using System.Globalization;

namespace GitOps.Docker.Client;

/// <summary>The Engine API versions this client speaks, and the choice of one for a given engine.</summary>
public static class DockerApiVersions
{
    /// <summary>Docker 20.10 (Debian 12's docker.io).</summary>
    public static readonly Version Minimum = new(1, 41);

    /// <summary>The newest version whose list, inspect and events documents this client was checked against.</summary>
    public static readonly Version Maximum = new(1, 47);

    /// <summary>
    /// The version to put in the <c>/v1.xx/</c> prefix: the engine's own when it is within range, else
    /// <see cref="Maximum"/> for a newer engine. An engine older than <see cref="Minimum"/> is refused.
    /// </summary>
    /// <exception cref="DockerProtocolException">The engine's version is unreadable or too old.</exception>
    public static string Negotiate(string serverApiVersion)
    {
        if (!TryParse(serverApiVersion, out var server))
        {
            throw new DockerProtocolException($"the engine reports API version '{serverApiVersion}', which is not of the form 1.41");
        }

        if (server < Minimum)
        {
            throw new DockerProtocolException($"the engine speaks Docker API {Format(server)}, but this tool needs at least {Format(Minimum)} (Docker 20.10); upgrade the engine");
        }

        return Format(server > Maximum ? Maximum : server);
    }

    private static bool TryParse(string text, out Version version)
    {
        version = new Version(0, 0);
        var parts = text.Split('.');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        version = new Version(major, minor);
        return true;
    }

    private static string Format(Version version) => string.Create(CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}");
}
