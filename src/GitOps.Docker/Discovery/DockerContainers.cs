using System.Globalization;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Validation;

namespace GitOps.Docker.Discovery;

/// <summary>
/// Turns Docker.DotNet's models of a container (an item of <c>GET /containers/json</c>, or the document of
/// <c>GET /containers/{id}/json</c>) into an <see cref="ObservedContainer"/>, checking every field routing uses.
/// Never throws on bad input: a container missing what routing needs yields null and an error diagnostic; a
/// network that cannot be routed to is left out with a warning.
/// </summary>
public static partial class DockerContainers
{
    /// <summary>
    /// One item of the container list. <paramref name="what"/> names it in diagnostics (e.g. <c>item 3</c>);
    /// <paramref name="location"/> is where it starts in a file, when it comes from one.
    /// </summary>
    public static ObservedContainer? FromListItem(ContainerListResponse item, string what, SourceLocation? location, ICollection<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(diagnostics);
        void Error(string message) => diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidContainer, message, location));

        var id = item.ID;
        if (!ConfigToken.IsDockerId(id))
        {
            Error($"{what}: \"Id\" is missing or not a lowercase hex container id; the item is ignored");
            return null;
        }

        what = $"{what} (container {Short(id)})";
        // Legacy links add names like "/other/alias"; the container's own name has one segment.
        var name = (item.Names ?? []).Where(n => n is not null).Select(n => n.TrimStart('/')).FirstOrDefault(ConfigToken.IsDockerName);
        if (name is null)
        {
            Error($"{what}: \"Names\" has no valid container name ([A-Za-z0-9][A-Za-z0-9_.-]*, e.g. \"/web-1\"); the container is ignored");
            return null;
        }

        what = $"{what} '{name}'";
        var state = item.State;
        if (string.IsNullOrEmpty(state) || !ConfigToken.IsLabelText(state))
        {
            Error($"{what}: \"State\" is missing; expected running, exited, …; the container is ignored");
            return null;
        }

        return new ObservedContainer
        {
            Id = id,
            Name = name,
            State = state,
            // Engines from API 1.52 report health as a field; older ones only inside the human-readable status text.
            Health = item.Health is { Status: { Length: > 0 } status } ? ParseHealthStatus(status) : HealthFromStatusText(item.Status),
            Labels = Labels(item.Labels),
            Networks = Networks(item.NetworkSettings?.Networks, what, location, diagnostics),
        };
    }

    /// <summary>The inspect document of one container.</summary>
    public static ObservedContainer? FromInspect(ContainerInspectResponse inspected, ICollection<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(inspected);
        ArgumentNullException.ThrowIfNull(diagnostics);
        void Error(string message) => diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidContainer, message, null));

        var id = inspected.ID;
        if (!ConfigToken.IsDockerId(id))
        {
            Error("the inspect document has no \"Id\" that is a lowercase hex container id");
            return null;
        }

        var what = $"container {Short(id)}";
        var name = inspected.Name?.TrimStart('/');
        if (!ConfigToken.IsDockerName(name))
        {
            Error($"{what}: \"Name\" is missing or not a valid container name");
            return null;
        }

        what = $"{what} '{name}'";
        if (inspected.State is not { } state)
        {
            Error($"{what}: \"State\" is missing or not an object");
            return null;
        }

        if (string.IsNullOrEmpty(state.Status) || !ConfigToken.IsLabelText(state.Status))
        {
            Error($"{what}: \"State.Status\" is missing; expected running, exited, …");
            return null;
        }

        return new ObservedContainer
        {
            Id = id,
            Name = name,
            State = state.Status,
            Health = ParseHealthStatus(state.Health?.Status),
            Labels = Labels(inspected.Config?.Labels),
            Networks = Networks(inspected.NetworkSettings?.Networks, what, null, diagnostics),
        };
    }

    /// <summary>The inspect document of one container with its run (<c>State.StartedAt</c>) and stop signal; null as for <see cref="FromInspect"/>.</summary>
    public static InspectedContainer? FromInspectWithLifecycle(ContainerInspectResponse inspected, ICollection<Diagnostic> diagnostics)
    {
        if (FromInspect(inspected, diagnostics) is not { } container)
        {
            return null;
        }

        // An unknown stop signal name cannot match any kill event's number: then only SIGKILL announces the end.
        var stopSignal = string.IsNullOrEmpty(inspected.Config?.StopSignal) ? StopSignals.Terminate : StopSignals.Parse(inspected.Config.StopSignal) ?? 0;
        return new InspectedContainer(container, ParseTime(inspected.State?.StartedAt), stopSignal);
    }

    /// <summary>
    /// An RFC 3339 time as Docker writes it (<c>2026-12-03T14:26:56.123456789Z</c>, nine fractional digits, more than
    /// .NET parses) to 100 ns; <see cref="DateTimeOffset.MinValue"/> when missing or unreadable.
    /// </summary>
    internal static DateTimeOffset ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DateTimeOffset.MinValue;
        }

        var trimmed = FractionBeyondTicks().Replace(text, "$1");
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : DateTimeOffset.MinValue;
    }

    /// <summary>Maps Docker's health status word (<c>starting</c>, <c>healthy</c>, <c>unhealthy</c>; also the suffix of a <c>health_status: …</c> event).</summary>
    public static ContainerHealth ParseHealthStatus(string? status) => status switch
    {
        "starting" => ContainerHealth.Starting,
        "healthy" => ContainerHealth.Healthy,
        "unhealthy" => ContainerHealth.Unhealthy,
        _ => ContainerHealth.None,
    };

    /// <summary>The health in the list's status text, e.g. <c>Up 3 seconds (healthy)</c>.</summary>
    internal static ContainerHealth HealthFromStatusText(string? status)
    {
        if (status is null)
        {
            return ContainerHealth.None;
        }

        if (status.Contains("(unhealthy)", StringComparison.Ordinal))
        {
            return ContainerHealth.Unhealthy;
        }

        if (status.Contains("(health: starting)", StringComparison.Ordinal))
        {
            return ContainerHealth.Starting;
        }

        return status.Contains("(healthy)", StringComparison.Ordinal) ? ContainerHealth.Healthy : ContainerHealth.None;
    }

    private static ValueMap Labels(IDictionary<string, string>? labels) =>
        labels is null || labels.Count == 0 ? ValueMap.Empty : new ValueMap(labels.Where(l => l.Value is not null).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal));

    private static ValueList<ContainerNetwork> Networks(IDictionary<string, EndpointSettings>? networks, string what, SourceLocation? location, ICollection<Diagnostic> diagnostics)
    {
        if (networks is null)
        {
            return ValueList<ContainerNetwork>.Empty;
        }

        var result = new List<ContainerNetwork>();
        foreach (var (network, settings) in networks)
        {
            if (!ConfigToken.IsDockerName(network))
            {
                diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidNetwork, $"{what}: network name '{DiscoveryDiagnostics.Show(network)}' is not a valid Docker network name; that network is ignored", location, DiagnosticSeverity.Warning));
                continue;
            }

            var address = settings?.IPAddress;
            if (string.IsNullOrEmpty(address))
            {
                // Not attached with an address (host network, stopped container): nothing to route to.
                continue;
            }

            if (!ConfigToken.IsIpAddress(address))
            {
                diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.InvalidNetwork, $"{what}: network '{network}' has IPAddress '{DiscoveryDiagnostics.Show(address)}', which is not an IP address; that network is ignored", location, DiagnosticSeverity.Warning));
                continue;
            }

            result.Add(new ContainerNetwork(network, address));
        }

        return result.OrderBy(n => n.Name, StringComparer.Ordinal).ToValueList();
    }

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex FractionBeyondTicks();

    private static string Short(string id) => id[..Math.Min(12, id.Length)];
}
