using GitOps.Cli.Commands;
using GitOps.Docker.Discovery;

namespace GitOps.Cli.Offline;

/// <summary>Reads the <c>--discovery</c> file: the JSON array Docker's <c>GET /containers/json</c> returns.</summary>
internal static class DiscoveryFile
{
    public static async Task<ContainerListParseResult> ReadAsync(string? path, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return new ContainerListParseResult([], []);
        }

        if (!File.Exists(path))
        {
            throw new CommandInputException($"discovery file '{path}' does not exist; pass the JSON that `curl --unix-socket /var/run/docker.sock http://localhost/containers/json` prints");
        }

        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return ContainerListParser.Parse(json, path);
    }
}
