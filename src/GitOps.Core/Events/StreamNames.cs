namespace GitOps.Core.Events;

/// <summary>The names of the event streams, built in one place so writers and readers agree.</summary>
public static class StreamNames
{
    /// <summary>Desired states observed in (or rejected from) the Git repository.</summary>
    public const string Desired = "desired";

    /// <summary>Operator actions: rollbacks and other manual interventions.</summary>
    public const string Operator = "operator";

    /// <summary>Agents starting, one <see cref="AgentStarted"/> per start, whatever their host.</summary>
    public const string Agents = "agents";

    /// <summary>Containers observed on one Docker host.</summary>
    public static string Docker(string host) => "docker-" + RequireHost(host);

    /// <summary>Configurations rendered for one load-balancer host.</summary>
    public static string Config(string host) => "config-" + RequireHost(host);

    /// <summary>What the agent on one load-balancer host applied.</summary>
    public static string Applied(string host) => "applied-" + RequireHost(host);

    /// <summary>Configurations rendered for one host that <c>haproxy -c</c> refused (never published).</summary>
    public static string Rejected(string host) => "rejected-" + RequireHost(host);

    /// <summary>What the agent of one load-balancer host found on its disk (<see cref="HostFactsObserved"/>).</summary>
    public static string HostFacts(string host) => "host-" + RequireHost(host);

    /// <summary>The host a <c>docker-</c>, <c>config-</c>, <c>applied-</c>, <c>rejected-</c> or <c>host-</c> stream belongs to; null for other streams.</summary>
    public static string? HostOf(string stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        foreach (var prefix in (ReadOnlySpan<string>)["docker-", "config-", "applied-", "rejected-", "host-"])
        {
            if (stream.StartsWith(prefix, StringComparison.Ordinal) && stream.Length > prefix.Length)
            {
                return stream[prefix.Length..];
            }
        }

        return null;
    }

    private static string RequireHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        return host;
    }
}
