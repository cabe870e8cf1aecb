using GitOps.Core.Desired;

namespace GitOps.Cli.Commands.Up;

/// <summary>Which load-balancer host <c>gitops up</c> serves on this machine, and a notice when the choice needs one.</summary>
internal sealed record HostChoice(string Host, string? Notice)
{
    /// <summary><paramref name="given"/> (<c>--host</c>), else the single host gitops.yaml declares (or the implicit <c>local</c>), else the first declared.</summary>
    /// <param name="given">The <c>--host</c> value, or null.</param>
    /// <param name="desired">The desired state at the followed branch's head; null when it does not load.</param>
    /// <exception cref="CommandInputException"><paramref name="given"/> is not a valid host name.</exception>
    public static HostChoice Choose(string? given, DesiredState? desired)
    {
        var declared = desired?.Settings.Hosts.Select(h => h.Name).ToList();
        if (given is not null)
        {
            var host = AgentCommand.RequireHostName(given);
            return declared is null || declared.Contains(host, StringComparer.Ordinal)
                ? new HostChoice(host, null)
                : new HostChoice(host, $"host '{host}' is not declared in gitops.yaml (it declares {string.Join(", ", declared)}): it gets no configuration until it is.");
        }

        if (declared is null)
        {
            return new HostChoice(
                RepositorySettings.DefaultHostName,
                $"the desired state does not load (see `gitops validate`); serving host '{RepositorySettings.DefaultHostName}' until a valid commit arrives. Pass --host to choose.");
        }

        return declared.Count == 1
            ? new HostChoice(declared[0], null)
            : new HostChoice(
                declared[0],
                $"gitops.yaml declares {declared.Count} hosts; serving '{declared[0]}' here. The others ({string.Join(", ", declared.Skip(1))}) " +
                "need `gitops agent --host <name>` on their machines, against this store; pass --host to choose another.");
    }
}
