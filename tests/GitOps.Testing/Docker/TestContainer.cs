namespace GitOps.Testing.Docker;

/// <summary>A container a <see cref="DockerFixture"/> started, with its address on each network it is attached to.</summary>
/// <param name="Id">The full container id.</param>
/// <param name="Name">The container name, without the leading slash.</param>
/// <param name="IpAddresses">IPv4 address by network name (e.g. <c>bridge</c>); empty while stopped.</param>
public sealed record TestContainer(string Id, string Name, IReadOnlyDictionary<string, string> IpAddresses)
{
    /// <summary>The address of a container attached to exactly one network; use <see cref="IpAddressOn"/> otherwise.</summary>
    public string IpAddress => IpAddresses.Count == 1
        ? IpAddresses.Values.Single()
        : throw new InvalidOperationException(IpAddresses.Count == 0
            ? $"Container '{Name}' has no IP address (is it running?)."
            : $"Container '{Name}' is on {IpAddresses.Count} networks ({string.Join(", ", IpAddresses.Keys)}); use IpAddressOn(network).");

    /// <summary>The address on <paramref name="network"/>.</summary>
    public string IpAddressOn(string network) => IpAddresses.TryGetValue(network, out var ip)
        ? ip
        : throw new InvalidOperationException($"Container '{Name}' is not attached to network '{network}'; it is on: {string.Join(", ", IpAddresses.Keys)}.");
}
