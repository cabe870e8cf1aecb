namespace GitOps.Core.Desired.Loading.Specs;

/// <summary>Everything read from a repository before cross-file validation: settings (null when gitops.yaml is absent or unreadable) and the readable services, in path order.</summary>
internal sealed record RepositorySpec(SettingsSpec? Settings, IReadOnlyList<ServiceSpec> Services)
{
    /// <summary>The declared host names, or the single default host when gitops.yaml declares none.</summary>
    public IReadOnlyList<string> HostNames { get; } =
        Settings?.Hosts is { Count: > 0 } hosts ? hosts.Select(h => h.Name.Value).ToList() : [RepositorySettings.DefaultHostName];

    /// <summary>Where a service runs: its own placement, else every declared host.</summary>
    public IEnumerable<string> HostsOf(ServiceSpec service) =>
        service.Hosts.Count > 0 ? service.Hosts.Select(h => h.Value) : HostNames;
}
